package rest

import (
	"strconv"
)

// javaBase64Decode decodes s as java.util.Base64.getDecoder().decode(s)
// does (RFC 4648 basic alphabet; padding optional but, when present,
// correct; nothing may follow it) and fails with a 400 carrying the
// message of the IllegalArgumentException Java would throw, which is what
// Java's InternalRequestSignature answers a bad signature header with.
// Header values reach Java as ISO-8859-1, so each byte is one character.
func javaBase64Decode(s string) ([]byte, error) {
	src := []byte(s)
	if len(src) == 0 {
		return []byte{}, nil
	}
	if len(src) < 2 {
		return nil, badRequest("Input byte[] should at least have 2 bytes for base64 bytes")
	}
	wrongEnding := func() error { return badRequest("Input byte array has wrong 4-byte ending unit") }
	dst := make([]byte, 0, len(src)*3/4+2)
	bits, shift, sp := 0, 18, 0
decode:
	for sp < len(src) {
		c := src[sp]
		sp++
		v := base64Value(c)
		switch {
		case v == -2: // '=': the end of the data
			switch shift {
			case 18: // "=" where a unit starts
				return nil, wrongEnding()
			case 6: // "xx=" needs a second '='
				if sp == len(src) || src[sp] != '=' {
					return nil, wrongEnding()
				}
				sp++
			}
			break decode
		case v < 0:
			// Java prints the (signed) byte in hex.
			return nil, badRequest("Illegal base64 character %s", strconv.FormatInt(int64(int8(c)), 16))
		}
		bits |= v << shift
		shift -= 6
		if shift < 0 {
			dst = append(dst, byte(bits>>16), byte(bits>>8), byte(bits))
			shift, bits = 18, 0
		}
	}
	switch shift {
	case 6:
		dst = append(dst, byte(bits>>16))
	case 0:
		dst = append(dst, byte(bits>>16), byte(bits>>8))
	case 12: // a single character in the last unit
		return nil, badRequest("Last unit does not have enough valid bits")
	}
	if sp < len(src) {
		return nil, badRequest("Input byte array has incorrect ending byte at %d", sp)
	}
	return dst, nil
}

// base64Value is a character's value in the basic Base64 alphabet: 0-63,
// -2 for the padding '=', -1 for anything else.
func base64Value(c byte) int {
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
	case c == '=':
		return -2
	}
	return -1
}
