package javajson

import (
	"math"
	"math/big"
	"testing"
)

func TestWriter(t *testing.T) {
	var w Writer
	w.RawString(`{"a":[`)
	w.Null()
	w.RawByte(',')
	w.Bool(true)
	w.RawByte(',')
	w.Int64(-3)
	w.RawByte(',')
	w.Float32(0.1)
	w.RawByte(',')
	w.Float64(1e7)
	w.RawByte(',')
	w.Float64(math.NaN())
	w.RawByte(',')
	w.Decimal(big.NewInt(-15), 1)
	w.RawByte(',')
	w.String("é\n\x01")
	w.RawByte(',')
	w.Binary(nil)
	w.RawByte(',')
	w.Binary([]byte{0xff})
	w.RawString("]}")
	if got, want := string(w.Bytes()), `{"a":[null,true,-3,0.1,1.0E7,"NaN",-1.5,"é\n\u0001","","/w=="]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestFormatDecimal(t *testing.T) {
	cases := []struct {
		unscaled int64
		scale    int64
		want     string
	}{
		{0, 0, "0"}, {150, 2, "1.50"}, {-5, 3, "-0.005"}, {1, 6, "0.000001"}, {1, 7, "1E-7"},
		{-123, 10, "-1.23E-8"}, {15, -2, "1.5E+3"}, {1, -1, "1E+1"}, {7, 0, "7"}, {0, 2, "0.00"}, {0, -2, "0E+2"},
	}
	for _, c := range cases {
		if got := FormatDecimal(big.NewInt(c.unscaled), c.scale); got != c.want {
			t.Errorf("FormatDecimal(%d, %d) = %s, want %s", c.unscaled, c.scale, got, c.want)
		}
	}
}
