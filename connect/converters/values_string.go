package converters

import (
	"encoding/base64"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// valuesToString is Java's Values.convertToString: the text
// SimpleHeaderConverter writes. Top-level strings are written as is; inside
// lists, maps and structs strings are quoted with \ and " escaped. Bytes are
// base64 (standard alphabet, padded). Dates use ISO-8601 in UTC: a time of
// day ("HH:mm:ss.SSSZ") before one day after the epoch, a date
// ("yyyy-MM-dd") at midnight, else a timestamp.
//
// Java ignores the schema; Ferry uses it only where a Go value does not carry
// what the Java object would: a struct (map[string]any) is told from a map by
// its STRUCT schema, and a Decimal's scale comes from its schema.
func valuesToString(schema *connect.Schema, v any) (string, error) {
	var b strings.Builder
	if err := appendValue(&b, schema, v, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

func appendValue(b *strings.Builder, schema *connect.Schema, v any, embedded bool) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
		return nil
	case int8, int16, int32, int64, int, float32, float64, bool:
		appendJavaString(b, nil, x)
		return nil
	case *big.Rat:
		b.WriteString(ratString(schema, x))
		return nil
	case string:
		if embedded {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), `"`, `\"`))
			b.WriteByte('"')
		} else {
			b.WriteString(x)
		}
		return nil
	case []byte:
		if embedded {
			b.WriteByte('"')
		}
		b.WriteString(base64.StdEncoding.EncodeToString(x))
		if embedded {
			b.WriteByte('"')
		}
		return nil
	case time.Time:
		b.WriteString(formatValuesDate(x))
		return nil
	}
	if schema != nil && schema.Type == connect.TypeStruct {
		if m, ok := v.(map[string]any); ok {
			b.WriteByte('{')
			for i, f := range schema.Fields {
				if i > 0 {
					b.WriteByte(',')
				}
				_ = appendValue(b, nil, f.Name, true)
				b.WriteByte(':')
				fv := m[f.Name]
				if fv == nil && f.Schema != nil {
					fv = f.Schema.Default // Struct.get applies the default
				}
				if err := appendValue(b, f.Schema, fv, true); err != nil {
					return err
				}
			}
			b.WriteByte('}')
			return nil
		}
	}
	if ok, err := appendCollection(b, schema, v, valuesCollection, func(s *connect.Schema, x any) error {
		return appendValue(b, s, x, true)
	}); ok {
		return err
	}
	return dataErrorf("Failed to serialize unexpected value type %s: %v", strings.TrimPrefix(javaClass(v), "class "), v)
}

// formatValuesDate is Values.dateFormatFor(value).format(value), in UTC.
func formatValuesDate(t time.Time) string {
	ms := t.UnixMilli()
	u := time.UnixMilli(ms).UTC()
	switch {
	case ms < millisPerDay:
		return u.Format("15:04:05.000") + "Z"
	case ms%millisPerDay == 0:
		return formatYear(u.Year()) + u.Format("-01-02")
	}
	return formatYear(u.Year()) + u.Format("-01-02T15:04:05.000") + "Z"
}

// formatYear pads the year to four digits as SimpleDateFormat's "yyyy" does.
func formatYear(y int) string {
	s := strconv.Itoa(y)
	for y >= 0 && len(s) < 4 {
		s = "0" + s
	}
	return s
}
