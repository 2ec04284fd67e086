package speakers

// ParseBIRDRoutes parses `birdc show route all` text (without reply codes)
// into routes. Exported for cmd/rsbench, which drives its client BIRDs
// through their control sockets rather than through StartBIRD.
func ParseBIRDRoutes(text string) ([]Route, error) { return parseBIRDRoutes(text) }
