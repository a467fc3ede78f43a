package kafkaclient

import (
	"testing"

	"github.com/IBM/sarama"
)

// Vectors from Kafka's UtilsTest.testMurmur2.
func TestMurmur2MatchesKafka(t *testing.T) {
	cases := map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
		"abc": 479470107,
	}
	for in, want := range cases {
		if got := Murmur2([]byte(in)); got != want {
			t.Errorf("murmur2(%q) = %d, want %d", in, got, want)
		}
	}
}

type explicit bool

func (e explicit) PartitionIsExplicit() bool { return bool(e) }

func TestJavaPartitioner(t *testing.T) {
	p := JavaPartitioner("t")
	got, err := p.Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder("foobar")}, 7)
	if err != nil || got != KeyPartition([]byte("foobar"), 7) {
		t.Errorf("keyed: %d %v", got, err)
	}
	if KeyPartition([]byte("foobar"), 7) != (-790332482&0x7fffffff)%7 {
		t.Error("KeyPartition does not use toPositive")
	}
	got, err = p.Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder("foobar"), Partition: 5, Metadata: explicit(true)}, 7)
	if err != nil || got != 5 {
		t.Errorf("explicit: %d %v", got, err)
	}
	if _, err := p.Partition(&sarama.ProducerMessage{Partition: 9, Metadata: explicit(true)}, 7); err == nil {
		t.Error("explicit partition out of range accepted")
	}
	for i := 0; i < 50; i++ {
		got, err = p.Partition(&sarama.ProducerMessage{}, 3)
		if err != nil || got < 0 || got >= 3 {
			t.Fatalf("unkeyed: %d %v", got, err)
		}
	}
}
