package rest

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/ferrykafka/ferry/storage"
)

// Path and query parameters bound the way Jersey binds them for Java
// Connect's resources, so odd values get Java's answers.

// boolQueryParam binds a java.lang.Boolean query parameter with a
// @DefaultValue, as Jersey does: absent is def; otherwise its first value
// goes through Boolean.valueOf, true only for "true" in any case, so
// "yes", "1" and "" are all false.
func boolQueryParam(r *http.Request, name string, def bool) bool {
	vals := r.URL.Query()[name]
	if len(vals) == 0 {
		return def
	}
	return strings.EqualFold(vals[0], "true")
}

// primitiveBoolQueryParam binds a primitive boolean query parameter with
// a @DefaultValue, as Jersey does: absent, empty or blank (all chars <=
// ' ') is def; otherwise Boolean.valueOf of the first value.
func primitiveBoolQueryParam(r *http.Request, name string, def bool) bool {
	vals := r.URL.Query()[name]
	if len(vals) == 0 || javaTrim(vals[0]) == "" {
		return def
	}
	return strings.EqualFold(vals[0], "true")
}

// taskIDVar reads the {connector} and {task} path parameters. {task} is a
// java.lang.Integer in Java: a value Integer.valueOf rejects makes Jersey
// answer 404 "HTTP 404 Not Found", as for an unknown path.
func taskIDVar(r *http.Request) (storage.ConnectorTaskID, error) {
	task, ok := javaParseInt(pathVar(r, "task"))
	if !ok {
		return storage.ConnectorTaskID{}, jaxrsError(http.StatusNotFound)
	}
	return storage.ConnectorTaskID{Connector: pathVar(r, "connector"), Task: task}, nil
}

// javaParseInt is Java's Integer.parseInt(s, 10): an optional sign ('-'
// or '+'), then at least one decimal digit (any Unicode decimal digit of
// the Basic Multilingual Plane, as Character.digit accepts), within the
// int range; nothing else, not even white space.
func javaParseInt(s string) (int, bool) {
	neg := false
	switch {
	case s == "":
		return 0, false
	case s[0] == '-':
		neg, s = true, s[1:]
	case s[0] == '+':
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	// Accumulate negatively, as Java does, so MinInt32 fits.
	const minInt32 = -1 << 31
	n := 0
	for _, c := range s {
		d, ok := javaDigit(c)
		if !ok {
			return 0, false
		}
		if n < minInt32/10 || n*10 < minInt32+d {
			return 0, false
		}
		n = n*10 - d
	}
	if !neg {
		if n == minInt32 {
			return 0, false
		}
		n = -n
	}
	return n, true
}

// javaDigit is Character.digit(c, 10) for a char: the value of a decimal
// digit (Unicode category Nd) of the Basic Multilingual Plane. Every run
// of decimal digits in Unicode starts at a zero and holds whole sets of
// ten, so a digit's value is its distance from the start of its run,
// modulo ten.
func javaDigit(c rune) (int, bool) {
	if c >= '0' && c <= '9' {
		return int(c - '0'), true
	}
	if c > 0xFFFF || !unicode.Is(unicode.Nd, c) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= c && c <= rune(rg.Hi) {
			return int((c-rune(rg.Lo))/rune(rg.Stride)) % 10, true
		}
	}
	return 0, false
}
