package converters

import (
	"fmt"
	"math/big"
	"time"
)

// javaClass names the Java class that corresponds to a Go value, as Java's
// messages print value.getClass() ("class java.lang.Integer"). Go types with
// no Java counterpart are named by their Go type.
func javaClass(v any) string {
	switch v.(type) {
	case int8:
		return "class java.lang.Byte"
	case int16:
		return "class java.lang.Short"
	case int32:
		return "class java.lang.Integer"
	case int64, int:
		return "class java.lang.Long"
	case float32:
		return "class java.lang.Float"
	case float64:
		return "class java.lang.Double"
	case bool:
		return "class java.lang.Boolean"
	case string:
		return "class java.lang.String"
	case []byte:
		return "class [B"
	case []any:
		return "class java.util.ArrayList"
	case map[string]any, map[any]any:
		return "class java.util.HashMap"
	case time.Time:
		return "class java.util.Date"
	case *big.Rat:
		return "class java.math.BigDecimal"
	}
	return fmt.Sprintf("%T", v)
}
