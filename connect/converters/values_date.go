package converters

import (
	"math"
	"strconv"
	"time"
)

// dateElem is one element of a SimpleDateFormat pattern: a numeric field
// (y, M, d, H, m, s, S) or a literal character.
type dateElem struct {
	field   byte
	literal byte
}

func datePattern(p string) []dateElem {
	var out []dateElem
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case 'y', 'M', 'd', 'H', 'm', 's', 'S':
			out = append(out, dateElem{field: c})
			for i+1 < len(p) && p[i+1] == c {
				i++
			}
		default:
			out = append(out, dateElem{literal: c})
		}
	}
	return out
}

// The patterns of Values: yyyy-MM-dd, HH:mm:ss.SSS'Z' and
// yyyy-MM-dd'T'HH:mm:ss.SSS'Z' (quotes dropped: 'T' and 'Z' are literals).
var (
	dateLayout      = datePattern("yyyy-MM-dd")
	timeLayout      = datePattern("HH:mm:ss.SSSZ")
	timestampLayout = datePattern("yyyy-MM-ddTHH:mm:ss.SSSZ")
)

// parseLenientDate parses s as a lenient java.text.SimpleDateFormat does in
// a UTC JVM: each numeric field takes optional spaces or tabs, an optional
// minus sign and every following ASCII digit; literals must match exactly;
// out-of-range fields roll over (month 13 is January of the next year);
// text after the pattern is ignored. Unset fields are those of the epoch.
//
// Java's GregorianCalendar switches to the Julian calendar before
// 1582-10-15 and DecimalFormat accepts non-ASCII digits; Ferry does neither.
func parseLenientDate(s string, layout []dateElem) (time.Time, bool) {
	f := map[byte]int{'y': 1970, 'M': 1, 'd': 1}
	pos := 0
	for _, e := range layout {
		if e.field == 0 {
			if pos >= len(s) || s[pos] != e.literal {
				return time.Time{}, false
			}
			pos++
			continue
		}
		for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t') {
			pos++
		}
		neg := false
		if pos < len(s) && s[pos] == '-' {
			neg = true
			pos++
		}
		start := pos
		for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos == start {
			return time.Time{}, false
		}
		f[e.field] = javaIntValue(s[start:pos], neg)
	}
	return time.Date(f['y'], time.Month(f['M']), f['d'], f['H'], f['m'], f['s'], 0, time.UTC).
		Add(time.Duration(f['S']) * time.Millisecond), true
}

// javaIntValue is Number.intValue of what DecimalFormat parses from digits:
// a Long's low 32 bits, or a saturated Double for longer numbers.
func javaIntValue(digits string, neg bool) int {
	if neg {
		digits = "-" + digits
	}
	if n, err := strconv.ParseInt(digits, 10, 64); err == nil {
		return int(int32(n))
	}
	if neg {
		return math.MinInt32
	}
	return math.MaxInt32
}
