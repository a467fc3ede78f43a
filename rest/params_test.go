package rest

import (
	"math"
	"net/http/httptest"
	"strconv"
	"testing"
	"unicode"
)

func TestJavaParseInt(t *testing.T) {
	for in, want := range map[string]int{
		"0": 0, "7": 7, "+1": 1, "-1": -1, "007": 7, "-0": 0,
		"2147483647": math.MaxInt32, "-2147483648": math.MinInt32, "+2147483647": math.MaxInt32,
		"١٢": 12, // Arabic-Indic digits
		"９":  9,  // fullwidth
		"߀":  0,  // NKo
	} {
		got, ok := javaParseInt(in)
		if !ok || got != want {
			t.Errorf("javaParseInt(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{
		"", "+", "-", "--1", "+-1", " 1", "1 ", "1.0", "1e2", "0x1", "½", "2147483648", "-2147483649",
		"99999999999999999999", "𝟏", // a supplementary digit is two chars to Java, neither a digit
		"Ⅳ", // a letter number, not a decimal digit
	} {
		if got, ok := javaParseInt(in); ok {
			t.Errorf("javaParseInt(%q) = %d, want a failure", in, got)
		}
	}
	// Agrees with strconv on ASCII.
	for _, n := range []int{0, 1, -1, 42, 1 << 30, math.MaxInt32, math.MinInt32} {
		s := strconv.Itoa(n)
		if got, ok := javaParseInt(s); !ok || got != n {
			t.Errorf("javaParseInt(%q) = %d, %v", s, got, ok)
		}
	}
}

// Every decimal digit of the Basic Multilingual Plane gets its value: the
// run it belongs to starts at a zero and counts up to nine, which is what
// javaDigit assumes of Unicode's tables.
func TestJavaDigitCoversEveryBMPDigit(t *testing.T) {
	n := 0
	for c := rune(0); c <= 0xFFFF; c++ {
		if !unicode.Is(unicode.Nd, c) {
			if _, ok := javaDigit(c); ok {
				t.Errorf("javaDigit(%U) accepted a non-digit", c)
			}
			continue
		}
		n++
		d, ok := javaDigit(c)
		if !ok || d < 0 || d > 9 {
			t.Fatalf("javaDigit(%U) = %d, %v", c, d, ok)
		}
		zero := c - rune(d)
		for i := rune(0); i <= 9; i++ {
			if v, ok := javaDigit(zero + i); !ok || v != int(i) {
				t.Fatalf("digit run of %U: %U has value %d, %v; want %d", c, zero+i, v, ok, i)
			}
		}
	}
	if n < 300 {
		t.Errorf("only %d decimal digits found", n)
	}
}

func TestBoolQueryParams(t *testing.T) {
	cases := []struct {
		query             string
		boxed, primitiveT bool
	}{
		{"", false, true},
		{"p=true", true, true},
		{"p=TRUE", true, true},
		{"p=tRuE", true, true},
		{"p=false", false, false},
		{"p=yes", false, false},
		{"p=1", false, false},
		{"p=", false, true},
		{"p", false, true},
		{"p=%20%09", false, true},
		{"p=%20true", false, false},
		{"p=true&p=false", true, true},
		{"p=false&p=true", false, false},
		{"q=true", false, true},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/x?"+tc.query, nil)
		if got := boolQueryParam(r, "p", false); got != tc.boxed {
			t.Errorf("Boolean ?%s = %v, want %v", tc.query, got, tc.boxed)
		}
		if got := primitiveBoolQueryParam(r, "p", true); got != tc.primitiveT {
			t.Errorf("boolean (default true) ?%s = %v, want %v", tc.query, got, tc.primitiveT)
		}
	}
}

func TestNormalizedPluginName(t *testing.T) {
	for in, want := range map[string]string{
		"FileStreamSinkConnector":                               "FileStreamSink",
		"org.apache.kafka.connect.mirror.MirrorSourceConnector": "org.apache.kafka.connect.mirror.MirrorSource",
		"MirrorSource": "MirrorSource",
		"Connector":    "Connector",
		"XConnector":   "X",
		"":             "",
	} {
		if got := normalizedPluginName(in); got != want {
			t.Errorf("normalizedPluginName(%q) = %q, want %q", in, got, want)
		}
	}
}
