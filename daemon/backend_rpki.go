package daemon

import (
	"context"

	"github.com/rsguard/rsguard/apiserver"
)

// RPKIStatus implements apiserver.RPKIBackend.
func (d *Daemon) RPKIStatus(context.Context) (apiserver.RPKIStatus, error) {
	st := d.rs.RPKI()
	return apiserver.RPKIStatus{Enabled: st.Enabled, VRPs: st.VRPs, Sources: st.Sources}, nil
}
