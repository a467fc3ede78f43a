package converters

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// javaToString renders a Connect value as Java's Object.toString renders the
// corresponding Java object (what StringConverter writes): numbers in Java's
// notation, lists as "[a, b]", maps as "{k=v, k2=v2}" in HashMap order,
// structs as "Struct{a=1,b=x}", dates as java.util.Date.toString in UTC.
//
// Java prints a byte[] as its identity ("[B@1b6d3586"); Ferry writes the
// bytes themselves instead.
func javaToString(schema *connect.Schema, v any) string {
	var b strings.Builder
	appendJavaString(&b, schema, v)
	return b.String()
}

func appendJavaString(b *strings.Builder, schema *connect.Schema, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int8:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int16:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float32:
		b.WriteString(javajson.FormatFloat(x))
	case float64:
		b.WriteString(javajson.FormatDouble(x))
	case []byte:
		b.Write(x)
	case *big.Rat:
		b.WriteString(ratString(schema, x))
	case time.Time:
		b.WriteString(x.UTC().Format("Mon Jan 02 15:04:05 MST 2006"))
	default:
		if schema != nil && schema.Type == connect.TypeStruct {
			if m, ok := v.(map[string]any); ok {
				b.WriteString("Struct{")
				first := true
				for _, f := range schema.Fields {
					fv, ok := m[f.Name]
					if !ok || fv == nil {
						continue
					}
					if !first {
						b.WriteByte(',')
					}
					first = false
					b.WriteString(f.Name)
					b.WriteByte('=')
					appendJavaString(b, f.Schema, fv)
				}
				b.WriteByte('}')
				return
			}
		}
		if ok, _ := appendCollection(b, schema, v, javaCollection, func(s *connect.Schema, x any) error {
			appendJavaString(b, s, x)
			return nil
		}); ok {
			return
		}
		fmt.Fprint(b, v)
	}
}

// ratString renders a decimal as BigDecimal.toString, at the scale of its
// Decimal schema when it has one and the value fits it, else at the smallest
// scale that represents it exactly.
func ratString(schema *connect.Schema, r *big.Rat) string {
	if scale, err := decimalScale(schema); err == nil {
		if u, ok := unscaledAt(r, scale); ok {
			return javajson.FormatDecimal(u, int64(scale))
		}
	}
	if u, scale, ok := minimalDecimal(r); ok {
		return javajson.FormatDecimal(u, scale)
	}
	return r.FloatString(20)
}
