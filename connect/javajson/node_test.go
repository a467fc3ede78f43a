package javajson

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"
)

func TestReadTree(t *testing.T) {
	n, err := ReadTree([]byte("\xEF\xBB\xBF {\"b\":[1,-0012,true,null],\"a\":\"x\",\"b\":2.50e1} trailing"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != KindObject || !slices.Equal(n.Keys, []string{"b", "a"}) {
		t.Fatalf("got %v %q, want an object with keys b, a (a repeated key keeps its first position)", n.Kind, n.Keys)
	}
	b := n.Get("b")
	if u, scale := b.Decimal(); b.Text != "2.50e1" || u.Int64() != 250 || scale != 1 || b.IsIntegral() || b.Int64() != 25 {
		t.Errorf("b = %q %v %d, want the last value 2.50e1 = 250 × 10^-1", b.Text, u, scale)
	}
	if a := n.Get("a"); a.Kind != KindString || a.Text != "x" {
		t.Errorf("a = %+v", a)
	}
	if n.Get("missing") != nil || !n.Get("missing").IsNull() {
		t.Error("an absent member is nil and null")
	}
	for _, in := range []string{"", " \n", "\xEF\xBB\xBF"} {
		if n, err := ReadTree([]byte(in)); err != nil || n.Kind != KindMissing || !n.IsNull() {
			t.Errorf("ReadTree(%q) = %+v, %v; want a missing node", in, n, err)
		}
	}
	for _, in := range []string{"1x", "01x", "truex", "[1,]", "1e2147483648", "0.5e-2147483647", `"\q"`, "\"\xff\""} {
		var se *SyntaxError
		if _, err := ReadTree([]byte(in)); !errors.As(err, &se) {
			t.Errorf("ReadTree(%q): %v, want a SyntaxError", in, err)
		}
	}
}

func TestNodeNumbers(t *testing.T) {
	cases := []struct {
		in       string
		isInt    bool
		integral bool
		i64      int64
		f64      float64
		unscaled string
		scale    int64
	}{
		{"7", true, true, 7, 7, "7", 0},
		{"-2147483649", false, true, -2147483649, -2147483649, "-2147483649", 0},
		{"18446744073709551617", false, true, 1, 18446744073709551617, "18446744073709551617", 0},
		{"-1.99", false, false, -1, -1.99, "-199", 2},
		{"1e2", false, false, 100, 100, "1", -2},
		{"1e64", false, false, 0, 1e64, "1", -64},
		{"12e-30", false, false, 0, 12e-30, "12", 30},
		{"1e400", false, false, 0, math.Inf(1), "1", -400},
	}
	for _, c := range cases {
		n, err := ReadTree([]byte(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		u, scale := n.Decimal()
		if n.IsInt() != c.isInt || n.IsIntegral() != c.integral || n.Int64() != c.i64 || n.Int32() != int32(c.i64) ||
			n.Float64() != c.f64 || n.Float32() != float32(c.f64) || u.String() != c.unscaled || scale != c.scale {
			t.Errorf("%s: isInt %v integral %v long %d double %v decimal %v×10^-%d", c.in, n.IsInt(), n.IsIntegral(), n.Int64(), n.Float64(), u, scale)
		}
	}
	if s := (&Node{Kind: KindString, Text: "1"}); s.Int64() != 0 || s.Float64() != 0 || s.IsIntegral() {
		t.Error("a string is not a number")
	}
}

func TestNodeBinary(t *testing.T) {
	n := &Node{Kind: KindString, Text: "AJw="}
	if b, err := n.Binary(); err != nil || string(b) != "\x00\x9c" {
		t.Errorf("Binary = %q, %v", b, err)
	}
	if _, err := (&Node{Kind: KindString, Text: "AJw"}).Binary(); err == nil {
		t.Error("unpadded base64 must fail, as in Jackson")
	}
	if b, err := (&Node{Kind: KindNull}).Binary(); b != nil || err != nil {
		t.Errorf("null Binary = %q, %v", b, err)
	}
}

func TestKindString(t *testing.T) {
	if got := KindObject.String() + " " + KindNumber.String() + " " + KindMissing.String(); got != "OBJECT NUMBER MISSING" {
		t.Errorf("got %s", got)
	}
}

func TestLowInt64(t *testing.T) {
	for in, want := range map[string]int64{
		"12345678901234567890123": 4807115922877859019, "-18446744073709551617": -1, "9223372036854775808": math.MinInt64, "-5": -5,
	} {
		b, _ := new(big.Int).SetString(in, 10)
		if got := LowInt64(b); got != want {
			t.Errorf("LowInt64(%s) = %d, want %d", in, got, want)
		}
	}
}
