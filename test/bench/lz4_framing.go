package bench

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/pierrec/lz4/v4"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The lz4 datasets' framing. A producer compresses a record batch as one
// LZ4 frame cut into blocks of at most a fixed size, and a reader holds a
// buffer of that size while it decompresses the frame. Java's producer
// (KafkaLZ4BlockOutputStream), librdkafka (LZ4F's default) and sarama write
// 64 KB blocks; franz-go's default compressor writes pierrec/lz4's default
// of 4 MB. The loader writes Java's framing unless FERRY_BENCH_LZ4_BLOCK
// says otherwise, so that the benchmark copies what a Java producer wrote.

// DefaultLZ4Block is the lz4 datasets' block size: Java's producer's.
const DefaultLZ4Block = "64KB"

// lz4Blocks are the block sizes an LZ4 frame may declare.
var lz4Blocks = map[string]lz4.BlockSize{
	"64KB": lz4.Block64Kb, "256KB": lz4.Block256Kb, "1MB": lz4.Block1Mb, "4MB": lz4.Block4Mb,
}

// parseLZ4Block is the block size named by s (64KB, 256KB, 1MB or 4MB,
// case-insensitive): its canonical name and its size.
func parseLZ4Block(s string) (string, lz4.BlockSize, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	size, ok := lz4Blocks[name]
	if !ok {
		return "", 0, fmt.Errorf("lz4 block size %q: want 64KB, 256KB, 1MB or 4MB", s)
	}
	return name, size, nil
}

// lz4Compressor compresses franz-go's produce batches as LZ4 frames of one
// block size.
type lz4Compressor struct {
	pool sync.Pool
}

// newLZ4Compressor compresses with blocks of the named size (see
// parseLZ4Block).
func newLZ4Compressor(block string) (*lz4Compressor, error) {
	_, size, err := parseLZ4Block(block)
	if err != nil {
		return nil, err
	}
	c := &lz4Compressor{}
	c.pool.New = func() any {
		w := lz4.NewWriter(nil)
		if err := w.Apply(lz4.BlockSizeOption(size)); err != nil {
			panic(err) // every size in lz4Blocks is valid
		}
		return w
	}
	return c, nil
}

// Compress implements kgo.Compressor. A batch it cannot compress goes
// uncompressed, as franz-go's own compressor does.
func (c *lz4Compressor) Compress(dst *bytes.Buffer, src []byte, _ ...kgo.CompressFlag) ([]byte, kgo.CompressionCodecType) {
	w := c.pool.Get().(*lz4.Writer)
	defer c.pool.Put(w)
	w.Reset(dst)
	if _, err := w.Write(src); err != nil {
		return src, kgo.CodecNone
	}
	if err := w.Close(); err != nil {
		return src, kgo.CodecNone
	}
	return dst.Bytes(), kgo.CodecLz4
}
