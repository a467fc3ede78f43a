package javajson

import "fmt"

// Limits as in Jackson's default StreamReadConstraints.
const (
	maxDepth        = 1000
	maxNumberLength = 1000
)

// SyntaxError reports malformed JSON and where it was found.
type SyntaxError struct {
	Offset int // byte offset of the problem
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset)
}

// Unmarshal parses one JSON value (surrounding whitespace allowed) into nil,
// bool, string, int64, float64, []any or map[string]any. Integers outside the
// int64 range keep their low 64 bits, as Jackson's BigInteger.longValue()
// does; numbers with a fraction or exponent become float64 (±Inf when out of
// range, as Double.parseDouble gives). A repeated object key keeps its last
// value. Strings must be valid UTF-8; a lone UTF-16 surrogate escape becomes
// U+FFFD. The JSON must be strict (RFC 8259): no leading zeros, nothing but
// whitespace after the value.
func Unmarshal(data []byte) (any, error) {
	d := decoder{data: data}
	d.skipSpace()
	n, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.errorf("Unexpected data after the root value")
	}
	return n.goValue(), nil
}

// ReadTree parses data as Connect's JsonDeserializer does (Jackson's
// ObjectMapper.readTree with USE_BIG_DECIMAL_FOR_FLOATS): numbers keep their
// exact value (Node.Decimal), leading zeros are allowed
// (ALLOW_LEADING_ZEROS_FOR_NUMBERS), a repeated object key keeps its last
// value at the first key's position, a UTF-8 byte-order mark is skipped,
// content after the root value is ignored (FAIL_ON_TRAILING_TOKENS is off)
// except right after a number, and empty input is a missing node.
func ReadTree(data []byte) (*Node, error) {
	d := decoder{data: data, tree: true}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		d.pos = 3
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return &Node{Kind: KindMissing}, nil
	}
	n, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if n.Kind == KindNumber && d.pos < len(d.data) && !isSpace(d.data[d.pos]) {
		return nil, d.errorf("Expected space separating root-level values")
	}
	return n, nil
}

// goValue converts a node parsed by Unmarshal into plain Go values.
func (n *Node) goValue() any {
	switch n.Kind {
	case KindBool:
		return n.Bool
	case KindString:
		return n.Text
	case KindNumber:
		if n.num.integral {
			return n.Int64()
		}
		return n.Float64()
	case KindArray:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			out[i] = e.goValue()
		}
		return out
	case KindObject:
		out := make(map[string]any, len(n.Keys))
		for i, k := range n.Keys {
			out[k] = n.Values[i].goValue()
		}
		return out
	}
	return nil
}
