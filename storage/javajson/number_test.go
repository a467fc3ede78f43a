package javajson

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The testdata files hold "<IEEE bits in hex> <Java toString>" lines written
// by OpenJDK 25 (Double.toString / Float.toString): hand-picked values,
// random bit patterns, random magnitudes and powers of two.
func readVectors(t *testing.T, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		bits, text, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		out = append(out, [2]string{bits, text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d vectors in %s", len(out), path)
	}
	return out
}

func TestFormatDoubleMatchesJava(t *testing.T) {
	for _, v := range readVectors(t, "testdata/double_tostring.txt") {
		bits, err := strconv.ParseUint(v[0], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		f := math.Float64frombits(bits)
		if got := FormatDouble(f); got != v[1] {
			t.Errorf("FormatDouble(%v) = %s, Java says %s", f, got, v[1])
		}
	}
}

func TestFormatFloatMatchesJava(t *testing.T) {
	for _, v := range readVectors(t, "testdata/float_tostring.txt") {
		bits, err := strconv.ParseUint(v[0], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		f := math.Float32frombits(uint32(bits))
		if got := FormatFloat(f); got != v[1] {
			t.Errorf("FormatFloat(%v) = %s, Java says %s", f, got, v[1])
		}
	}
}

func TestFormatDoubleSpecials(t *testing.T) {
	cases := map[float64]string{
		math.NaN():   "NaN",
		math.Inf(1):  "Infinity",
		math.Inf(-1): "-Infinity",
		1e7:          "1.0E7",
		1234567.0:    "1234567.0",
		0.001:        "0.001",
		1e-4:         "1.0E-4",
	}
	for f, want := range cases {
		if got := FormatDouble(f); got != want {
			t.Errorf("FormatDouble(%v) = %s, want %s", f, got, want)
		}
	}
}
