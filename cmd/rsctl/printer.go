package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// printer renders one command's output as a table or as JSON, chosen once
// by --json (bgpctl's output vtable in miniature).
type printer struct {
	out  io.Writer
	json bool
}

func (a *app) printer() *printer { return &printer{out: a.streams.Out, json: a.json} }

// plainStyle draws columns without boxes, like most operator CLIs.
var plainStyle = func() table.Style {
	s := table.StyleDefault
	s.Options = table.Options{}
	s.Box.PaddingLeft, s.Box.PaddingRight = "", "  "
	s.Format.Header = text.FormatUpper
	return s
}()

// table renders rows under header.
func (p *printer) table(header table.Row, rows []table.Row) {
	t := table.NewWriter()
	t.SetStyle(plainStyle)
	t.AppendHeader(header)
	t.AppendRows(rows)
	// Column padding leaves trailing blanks on every line; drop them so
	// output diffs and greps cleanly.
	lines := strings.Split(t.Render(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	fmt.Fprintln(p.out, strings.Join(lines, "\n"))
}

// object prints one JSON value, indented.
func (p *printer) object(v any) error {
	enc := json.NewEncoder(p.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonList writes a JSON array item by item, so long lists are not held in
// memory before printing.
type jsonList struct {
	w     io.Writer
	count int
	err   error
}

func (p *printer) list() *jsonList { return &jsonList{w: p.out} }

func (l *jsonList) add(v any) {
	if l.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		l.err = err
		return
	}
	sep := ",\n  "
	if l.count == 0 {
		sep = "[\n  "
	}
	l.count++
	_, l.err = fmt.Fprintf(l.w, "%s%s", sep, b)
}

func (l *jsonList) close() error {
	if l.err != nil {
		return l.err
	}
	end := "\n]\n"
	if l.count == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(l.w, end)
	return err
}

// line prints one JSON object on one line (for followed streams).
func (p *printer) line(v any) error {
	return json.NewEncoder(p.out).Encode(v)
}

// jsonTime renders a time for JSON: RFC 3339 in UTC, null when unset.
func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// humanTime renders a time for tables; "-" when unset.
func humanTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// humanDuration renders a duration compactly: 45s, 12m5s, 3h20m, 4d2h.
func humanDuration(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// orDash keeps empty cells visible.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
