package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rsguard/rsguard/filters"
)

// maxPasswordFile bounds how much of a password_file is read: TCP-MD5 keys
// are at most 80 bytes, so anything large is the wrong file.
const maxPasswordFile = 4096

// peerTables accepts both [[peers]] and peers = [{...}, ...].
func (d *decoder) peerTables(at loc, v any) []any { return d.arrayOfTables(at, v, "[[peers]]") }

func (d *decoder) peers(at loc, v any) []Peer {
	var out []Peer
	for i, raw := range d.peerTables(at, v) {
		t, ok := asTable(d.c, at.index(i), raw)
		if !ok {
			continue
		}
		p := defaultPeer()
		if s, _, ok := t.str("name"); ok {
			p.Name = s
			t.at = t.at.named(s) // later messages say which peer
		}
		d.peer(&p, t)
		t.done()
		out = append(out, p)
	}
	return out
}

func (d *decoder) peer(p *Peer, t *table) {
	d.peerActions(p, t)
	if s, at, ok := t.str("address"); ok {
		p.Address = d.addr(at, s)
	}
	if n, _, ok := t.integer("asn", 0, maxUint32, ""); ok {
		p.ASN = uint32(n)
	}
	d.password(p, t)
	if b, _, ok := t.boolean("passive"); ok {
		p.Passive = b
	}
	if s, _, ok := t.str("description"); ok {
		p.Description = s
	}
	if list, locs, ok := t.strList("prefixes"); ok {
		// sized once: append's spare capacity was a third of a large
		// static list's heap (issue 11)
		p.Prefixes = make([]filters.PrefixRange, 0, len(list))
		for i, s := range list {
			r, err := filters.ParsePrefixRange(s)
			if err != nil {
				d.c.addf(locs[i], "%v", err)
				continue
			}
			p.Prefixes = append(p.Prefixes, r)
		}
	}
	if n, _, ok := t.integer("max_prefixes_ipv4", 0, maxUint32, " (0 = no limit)"); ok {
		p.MaxPrefixesIPv4 = uint32(n)
	}
	if n, _, ok := t.integer("max_prefixes_ipv6", 0, maxUint32, " (0 = no limit)"); ok {
		p.MaxPrefixesIPv6 = uint32(n)
	}
	d.maxPrefix(p, t)
	d.asSets(p, t)
	if n, _, ok := t.integer("irr_max_length_ipv4", 0, 32, ""); ok {
		p.IRRMaxLengthIPv4 = uint8(n)
	}
	if n, _, ok := t.integer("irr_max_length_ipv6", 0, 128, ""); ok {
		p.IRRMaxLengthIPv6 = uint8(n)
	}
	if s, _, ok := t.str("dampening"); ok {
		p.Dampening = s
	}
	d.peerLists(p, t)
	d.peerAddressing(p, t)
}

// password reads password or password_file. Exclusivity is a property of
// the document, not of the decoded Peer (which holds both the file and what
// was read from it), so it is checked here rather than in validate.
func (d *decoder) password(p *Peer, t *table) {
	pw, _, hasPW := t.str("password")
	file, fileAt, hasFile := t.str("password_file")
	if hasPW {
		p.Password = pw
	}
	if !hasFile {
		return
	}
	if hasPW {
		d.c.addf(fileAt, "password and password_file are mutually exclusive: keep one")
		return
	}
	p.PasswordFile = d.resolve(file)
	secret, err := readSecret(p.PasswordFile)
	if err != nil {
		d.c.addf(fileAt, "%v", err)
		return
	}
	p.Password = secret
}

// readSecret reads a one-line secret file, dropping trailing newline and
// whitespace that editors add.
func readSecret(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, maxPasswordFile+1)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", err
	}
	if n > maxPasswordFile {
		return "", fmt.Errorf("%s: larger than %d bytes; want a file holding only the password", path, maxPasswordFile)
	}
	s := strings.TrimRight(string(buf[:n]), " \t\r\n")
	if s == "" {
		return "", fmt.Errorf("%s: file is empty", path)
	}
	return s, nil
}
