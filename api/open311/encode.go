package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
)

// format is a response format, named by the resource's extension.
type format string

const (
	formatXML  format = "xml"
	formatJSON format = "json"
)

func (f format) contentType() string {
	if f == formatJSON {
		return "application/json; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// node is one element of a response. Responses are built once as a tree
// and written as XML or, by the spec's programmatic mapping (the Spark
// convention), as JSON, so that the two formats cannot disagree.
type node struct {
	name string
	// value is a scalar: nil (empty element, JSON null), string, bool,
	// int or float64. Used when kind is scalar.
	value any
	kind  nodeKind
	// children are an object's fields, in order, or a list's items (each
	// an object named after the item element).
	children []node
}

type nodeKind int

const (
	scalar nodeKind = iota
	object
	list
)

func val(name string, v any) node { return node{name: name, value: v} }

// opt is a string that may be missing: nil (an empty element, JSON null)
// when empty.
func opt(name, s string) node {
	if s == "" {
		return node{name: name}
	}
	return node{name: name, value: s}
}

func obj(name string, fields ...node) node { return node{name: name, kind: object, children: fields} }

func lst(name string, items ...node) node { return node{name: name, kind: list, children: items} }

// encode writes n as a whole document in f.
func encode(n node, f format) []byte {
	var b bytes.Buffer
	if f == formatJSON {
		writeJSON(&b, n)
		b.WriteByte('\n')
		return b.Bytes()
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	writeXML(&b, n, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

// writeXML writes n indented by depth levels, as the spec's examples are.
func writeXML(b *bytes.Buffer, n node, depth int) {
	b.WriteString("<" + n.name + ">")
	switch n.kind {
	case object, list:
		for _, c := range n.children {
			b.WriteString("\n" + strings.Repeat("  ", depth+1))
			writeXML(b, c, depth+1)
		}
		if len(n.children) > 0 {
			b.WriteString("\n" + strings.Repeat("  ", depth))
		}
	default:
		// EscapeText also replaces characters XML cannot hold with
		// U+FFFD, so stored text never breaks the document.
		_ = xml.EscapeText(b, []byte(scalarText(n.value)))
	}
	b.WriteString("</" + n.name + ">")
}

func scalarText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	panic("open311: unknown scalar type")
}

func writeJSON(b *bytes.Buffer, n node) {
	switch n.kind {
	case object:
		b.WriteByte('{')
		for i, c := range n.children {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, c.name)
			b.WriteByte(':')
			writeJSON(b, c)
		}
		b.WriteByte('}')
	case list:
		b.WriteByte('[')
		for i, c := range n.children {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, c)
		}
		b.WriteByte(']')
	default:
		switch v := n.value.(type) {
		case nil:
			b.WriteString("null")
		case string:
			writeString(b, v)
		default:
			b.WriteString(scalarText(v))
		}
	}
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

// write sends n as the whole response.
func write(w http.ResponseWriter, status int, f format, n node) {
	body := encode(n, f)
	w.Header().Set("Content-Type", f.contentType())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// apiError is an error as the spec shapes it: its HTTP status, which is
// also its code, and a description meant for people.
type apiError struct {
	status int
	desc   string
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + ": " + e.desc }

func badRequest(desc string) *apiError { return &apiError{http.StatusBadRequest, desc} }

// writeError sends e as <errors><error>… or [{"code","description"}].
func writeError(w http.ResponseWriter, f format, e *apiError) {
	write(w, e.status, f, lst("errors", obj("error", val("code", e.status), val("description", e.desc))))
}
