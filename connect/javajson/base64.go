package javajson

import (
	"errors"
	"fmt"
)

// decodeBase64 decodes as Jackson's default variant (MIME-NO-LINEFEEDS):
// standard alphabet, padding required, whitespace allowed between quads.
func decodeBase64(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)*3/4)
	val := func(c byte) int {
		switch {
		case c >= 'A' && c <= 'Z':
			return int(c - 'A')
		case c >= 'a' && c <= 'z':
			return int(c-'a') + 26
		case c >= '0' && c <= '9':
			return int(c-'0') + 52
		case c == '+':
			return 62
		case c == '/':
			return 63
		}
		return -1
	}
	bad := func(c byte) error { return fmt.Errorf("Illegal character %q in base64 content", c) }
	eof := errors.New("Unexpected end of base64-encoded String: base64 variant 'MIME-NO-LINEFEEDS' expects padding (one or more '=' characters) at the end")
	i := 0
	for {
		for i < len(s) && s[i] <= ' ' {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		var q [4]int
		for j := 0; j < 2; j++ {
			if i >= len(s) {
				return nil, eof
			}
			if q[j] = val(s[i]); q[j] < 0 {
				return nil, bad(s[i])
			}
			i++
		}
		bits := q[0]<<18 | q[1]<<12
		if i >= len(s) {
			return nil, eof
		}
		if s[i] == '=' {
			i++
			if i >= len(s) || s[i] != '=' {
				return nil, eof
			}
			i++
			out = append(out, byte(bits>>16))
			continue
		}
		if q[2] = val(s[i]); q[2] < 0 {
			return nil, bad(s[i])
		}
		i++
		bits |= q[2] << 6
		if i >= len(s) {
			return nil, eof
		}
		if s[i] == '=' {
			i++
			out = append(out, byte(bits>>16), byte(bits>>8))
			continue
		}
		if q[3] = val(s[i]); q[3] < 0 {
			return nil, bad(s[i])
		}
		i++
		bits |= q[3]
		out = append(out, byte(bits>>16), byte(bits>>8), byte(bits))
	}
}
