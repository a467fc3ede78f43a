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

// TestFormatDoubleNotation: plain notation in [1e-3, 1e7), scientific
// outside.
func TestFormatDoubleNotation(t *testing.T) {
	for in, want := range map[float64]string{
		1.5: "1.5", 1e5: "100000.0", 1e7: "1.0E7", 1.0e-3: "0.001", 1e-4: "1.0E-4", 123456789: "1.23456789E8",
		0.1: "0.1", -2.5: "-2.5", 100: "100.0", 9999999: "9999999.0", 1.25e-10: "1.25E-10", 3: "3.0",
	} {
		if got := FormatDouble(in); got != want {
			t.Errorf("FormatDouble(%v) = %q, want %q", in, got, want)
		}
	}
}
