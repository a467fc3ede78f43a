package workerconfig

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// HeaderRule is one rule of response.http.headers.config:
// "[action] [header name]:[header value]".
type HeaderRule struct {
	// Action is set, add, setDate or addDate.
	Action string
	Name   string
	// Value is the header value of set and add.
	Value string
	// Offset is what setDate and addDate add to the time of the response
	// (their value is a number of milliseconds).
	Offset time.Duration
}

// IsAdd tells an add or addDate rule (which adds a value) from a set or
// setDate rule (which replaces the header's values).
func (r HeaderRule) IsAdd() bool { return r.Action == "add" || r.Action == "addDate" }

// IsDate tells the setDate and addDate rules, whose value is an HTTP date.
func (r HeaderRule) IsDate() bool { return r.Action == "setDate" || r.Action == "addDate" }

// headerActions are the actions in Java's order (its error text lists them).
var headerActions = []string{"set", "add", "setDate", "addDate"}

var whitespace = regexp.MustCompile(`\s+`)

// ParseHeaderRules parses response.http.headers.config as Java's
// RestServerConfig validates it and Jetty's HeaderFilter reads it: rules
// separated by commas (a rule holding a comma is written in double quotes),
// each "[action] [header name]:[header value]". Actions match in any case.
// Errors are Java's texts; a date rule whose value is not a number, which
// Java's validator lets through and Jetty then fails to start with, gets
// one of Ferry's.
func ParseHeaderRules(config string) ([]HeaderRule, error) {
	if strings.TrimSpace(config) == "" {
		return nil, nil
	}
	var rules []HeaderRule
	for _, item := range csvSplit(config) {
		r, err := parseHeaderRule(item)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func parseHeaderRule(config string) (HeaderRule, error) {
	tokens := whitespace.Split(strings.TrimSpace(config), 2)
	if len(tokens) != 2 {
		return HeaderRule{}, fmt.Errorf("Invalid format of header config '%s'. Expected: '[action] [header name]:[header value]'", config)
	}
	action := ""
	for _, a := range headerActions {
		if strings.EqualFold(a, strings.TrimSpace(tokens[0])) {
			action = a
		}
	}
	if action == "" {
		return HeaderRule{}, fmt.Errorf("Invalid header config action: '%s'. Expected one of [%s]",
			strings.TrimSpace(tokens[0]), strings.Join(headerActions, ", "))
	}
	header := tokens[1]
	if len(javaSplit(strings.TrimSpace(header), ":")) != 2 {
		return HeaderRule{}, fmt.Errorf("Invalid format of header name and header value pair '%s'. Expected: '[header name]:[header value]'", header)
	}
	name, value, _ := strings.Cut(strings.TrimSpace(header), ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if name == "" || whitespace.MatchString(name) {
		return HeaderRule{}, fmt.Errorf("Invalid header name '%s'. The '[header name]' cannot contain whitespace", name)
	}
	if !isToken(name) {
		return HeaderRule{}, fmt.Errorf("Invalid header name '%s'. The '[header name]' must be an HTTP token", name)
	}
	r := HeaderRule{Action: action, Name: name, Value: value}
	if r.IsDate() {
		ms, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return HeaderRule{}, fmt.Errorf("Invalid header config '%s'. The value of %s must be a number of milliseconds", config, action)
		}
		r.Value, r.Offset = "", millis(ms)
	}
	return r, nil
}

// javaSplit is Java's String.split with a literal separator: trailing
// empty strings are dropped.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// isToken reports whether s is an HTTP token (RFC 9110), which a header
// name must be.
func isToken(s string) bool {
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

// csvSplit splits a comma-separated list the way Jetty's StringUtil.csvSplit
// does: items are trimmed; an item in double quotes keeps its commas and
// spaces, with a backslash escaping the next character; text after a
// closing quote up to the next comma is dropped; an empty item between two
// commas is kept, a trailing comma adds none.
func csvSplit(s string) []string {
	const (
		preData = iota
		data
		quoted
		escaped
		postData
	)
	var out []string
	var cur strings.Builder
	state := preData
	flush := func() {
		out = append(out, strings.TrimRightFunc(cur.String(), isSpace))
		cur.Reset()
	}
	for _, ch := range s {
		switch state {
		case preData:
			switch {
			case isSpace(ch):
			case ch == '"':
				state = quoted
			case ch == ',':
				out = append(out, "")
			default:
				cur.WriteRune(ch)
				state = data
			}
		case data:
			if ch == ',' {
				flush()
				state = preData
			} else {
				cur.WriteRune(ch)
			}
		case quoted:
			switch ch {
			case '\\':
				state = escaped
			case '"':
				out = append(out, cur.String())
				cur.Reset()
				state = postData
			default:
				cur.WriteRune(ch)
			}
		case escaped:
			cur.WriteRune(ch)
			state = quoted
		case postData:
			if ch == ',' {
				state = preData
			}
		}
	}
	switch state {
	case data:
		flush()
	case quoted, escaped:
		out = append(out, cur.String())
	}
	return out
}

// isSpace is Java's Character.isWhitespace for the characters that matter
// in a properties value.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', 0x1c, 0x1d, 0x1e, 0x1f:
		return true
	}
	return false
}
