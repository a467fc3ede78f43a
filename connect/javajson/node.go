package javajson

import (
	"math"
	"math/big"
	"strconv"
)

// Kind is the type of a Node, as Jackson's JsonNodeType.
type Kind uint8

// The kinds of Node. The zero Kind is KindMissing.
const (
	KindMissing Kind = iota // no value: empty input, or an absent member (Jackson's MissingNode)
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

// String returns Jackson's JsonNodeType name ("NUMBER", "OBJECT", ...), as
// Connect's messages print it.
func (k Kind) String() string {
	names := [...]string{"MISSING", "NULL", "BOOLEAN", "NUMBER", "STRING", "ARRAY", "OBJECT"}
	if int(k) < len(names) {
		return names[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Node is a JSON value as ReadTree parses it, with the semantics of
// Jackson's JsonNode: numbers keep their exact value, object members their
// order. The zero Node is a missing node.
type Node struct {
	Kind  Kind
	Bool  bool    // KindBool: the value
	Text  string  // KindString: the value; KindNumber: the literal as written
	Elems []*Node // KindArray: the elements
	// KindObject: the member names in order of first appearance, and their
	// values; a repeated name keeps its last value at its first position.
	Keys   []string
	Values []*Node
	num    *number // KindNumber
}

// number is a parsed number. Integral literals are Jackson's IntNode,
// LongNode or BigIntegerNode; others are a DecimalNode (unscaled ×
// 10^-scale).
type number struct {
	integral bool
	i64      int64 // integral and fits a long
	fitsLong bool
	fitsInt  bool
	bigInt   *big.Int // integral, beyond long
	unscaled *big.Int // not integral
	scale    int64    // not integral
}

// Get returns the value of an object member, or nil when n is not an object
// or has no such member (JsonNode.get).
func (n *Node) Get(name string) *Node {
	if n == nil || n.Kind != KindObject {
		return nil
	}
	for i, k := range n.Keys {
		if k == name {
			return n.Values[i]
		}
	}
	return nil
}

// IsNull reports whether n is nil, null or missing.
func (n *Node) IsNull() bool { return n == nil || n.Kind == KindNull || n.Kind == KindMissing }

func (n *Node) number() *number {
	if n == nil || n.Kind != KindNumber {
		return nil
	}
	return n.num
}

// IsIntegral reports whether n is a number written without a fraction or
// exponent (JsonNode.isIntegralNumber).
func (n *Node) IsIntegral() bool { x := n.number(); return x != nil && x.integral }

// IsInt reports whether n is an integral number that fits an int
// (JsonNode.isInt).
func (n *Node) IsInt() bool { x := n.number(); return x != nil && x.integral && x.fitsInt }

// Int32 is JsonNode.intValue: the low 32 bits of the number truncated toward
// zero; 0 for non-numbers.
func (n *Node) Int32() int32 { return int32(n.Int64()) }

// Int64 is JsonNode.longValue: the low 64 bits of the number truncated
// toward zero; 0 for non-numbers.
func (n *Node) Int64() int64 {
	x := n.number()
	switch {
	case x == nil:
		return 0
	case x.integral && x.fitsLong:
		return x.i64
	case x.integral:
		return LowInt64(x.bigInt)
	case x.unscaled == nil:
		return 0
	}
	// BigDecimal.longValue: truncate toward zero, keep the low 64 bits.
	if x.scale <= 0 {
		if -x.scale >= 64 { // × 10^k has 2^k as a factor: the low 64 bits are 0
			return 0
		}
		return LowInt64(new(big.Int).Mul(x.unscaled, pow10(-x.scale)))
	}
	if x.scale > int64(len(x.unscaled.String())) {
		return 0
	}
	return LowInt64(new(big.Int).Quo(x.unscaled, pow10(x.scale)))
}

// Float32 is JsonNode.floatValue, correctly rounded; 0 for non-numbers.
func (n *Node) Float32() float32 {
	if n.number() == nil {
		return 0
	}
	f, _ := strconv.ParseFloat(n.Text, 32)
	return float32(f)
}

// Float64 is JsonNode.doubleValue, correctly rounded (±Inf beyond the
// range, as Double.parseDouble gives); 0 for non-numbers.
func (n *Node) Float64() float64 {
	if n.number() == nil {
		return 0
	}
	f, _ := strconv.ParseFloat(n.Text, 64)
	return f
}

// Decimal returns the number as unscaled × 10^-scale (JsonNode.decimalValue);
// nil for non-numbers.
func (n *Node) Decimal() (unscaled *big.Int, scale int64) {
	x := n.number()
	switch {
	case x == nil:
		return nil, 0
	case !x.integral:
		return x.unscaled, x.scale
	case x.fitsLong:
		return big.NewInt(x.i64), 0
	}
	return x.bigInt, 0
}

// Binary is JsonNode.binaryValue: a string's text decoded as base64 the way
// Jackson's default variant does; nil for anything but a string.
func (n *Node) Binary() ([]byte, error) {
	if n == nil || n.Kind != KindString {
		return nil, nil
	}
	return decodeBase64(n.Text)
}

// fitsInt32 reports whether v is in Java's int range.
func fitsInt32(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }
