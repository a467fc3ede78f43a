package mirror

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// offsetSyncGolden are the key and value bytes Java's
// org.apache.kafka.connect.mirror.OffsetSync.recordKey/recordValue produce
// (connect-mirror 4.3.1). They were generated with the program below, run
// as
//
//	LANG=C.UTF-8 java -cp "$HOME/.cache/ferry/kafka-4.3.1/libs/*" OffsetSyncGolden.java \
//	  orders 0 0 0  source.heartbeats 7 123456789 987654321  "" 2147483647 9223372036854775807 -1 \
//	  a.b-c_d 3 4294967296 4294967297  mm2-offset-syncs.target.internal 0 -9223372036854775808 1 \
//	  tōpic-é 1 100 200
//
//	import java.lang.reflect.*;
//	import org.apache.kafka.common.TopicPartition;
//
//	public class OffsetSyncGolden {
//	    public static void main(String[] args) throws Exception {
//	        Class<?> c = Class.forName("org.apache.kafka.connect.mirror.OffsetSync");
//	        Constructor<?> ctor = c.getConstructor(TopicPartition.class, long.class, long.class);
//	        Method key = c.getDeclaredMethod("recordKey"), value = c.getDeclaredMethod("recordValue");
//	        key.setAccessible(true);
//	        value.setAccessible(true);
//	        for (int i = 0; i + 3 < args.length; i += 4) {
//	            Object sync = ctor.newInstance(new TopicPartition(args[i], Integer.parseInt(args[i + 1])),
//	                    Long.parseLong(args[i + 2]), Long.parseLong(args[i + 3]));
//	            System.out.println(hex((byte[]) key.invoke(sync)) + " " + hex((byte[]) value.invoke(sync)));
//	        }
//	    }
//	    static String hex(byte[] b) {
//	        StringBuilder s = new StringBuilder();
//	        for (byte x : b) s.append(String.format("%02x", x));
//	        return s.toString();
//	    }
//	}
var offsetSyncGolden = []struct {
	sync       offsetSync
	key, value string
}{
	{offsetSync{topicPartition{"orders", 0}, 0, 0},
		"00066f726465727300000000", "00000000000000000000000000000000"},
	{offsetSync{topicPartition{"source.heartbeats", 7}, 123456789, 987654321},
		"0011736f757263652e6865617274626561747300000007", "00000000075bcd15000000003ade68b1"},
	{offsetSync{topicPartition{"", 2147483647}, 9223372036854775807, -1},
		"00007fffffff", "7fffffffffffffffffffffffffffffff"},
	{offsetSync{topicPartition{"a.b-c_d", 3}, 4294967296, 4294967297},
		"0007612e622d635f6400000003", "00000001000000000000000100000001"},
	{offsetSync{topicPartition{"mm2-offset-syncs.target.internal", 0}, -9223372036854775808, 1},
		"00206d6d322d6f66667365742d73796e63732e7461726765742e696e7465726e616c00000000", "80000000000000000000000000000001"},
	// The length is in UTF-8 bytes, not characters.
	{offsetSync{topicPartition{"tōpic-é", 1}, 100, 200},
		"000974c58d7069632dc3a900000001", "000000000000006400000000000000c8"},
}

func TestOffsetSyncBytesMatchJava(t *testing.T) {
	for _, g := range offsetSyncGolden {
		key, err := g.sync.recordKey()
		if err != nil {
			t.Fatalf("%v: %v", g.sync, err)
		}
		if got := hex.EncodeToString(key); got != g.key {
			t.Errorf("%v key:\n got %s\nwant %s", g.sync, got, g.key)
		}
		if got := hex.EncodeToString(g.sync.recordValue()); got != g.value {
			t.Errorf("%v value:\n got %s\nwant %s", g.sync, got, g.value)
		}
		k, _ := hex.DecodeString(g.key)
		v, _ := hex.DecodeString(g.value)
		back, err := decodeOffsetSync(k, v)
		if err != nil {
			t.Fatalf("decode %v: %v", g.sync, err)
		}
		if back != g.sync {
			t.Errorf("decoded %v; want %v", back, g.sync)
		}
	}
}

func TestOffsetSyncKeyTooLong(t *testing.T) {
	s := offsetSync{tp: topicPartition{strings.Repeat("x", 32768), 0}}
	if _, err := s.recordKey(); err == nil || !strings.Contains(err.Error(), "larger than the maximum string length") {
		t.Errorf("32768-byte topic: %v", err)
	}
	s.tp.topic = strings.Repeat("x", 32767)
	key, err := s.recordKey()
	if err != nil || len(key) != 2+32767+4 || key[0] != 0x7f || key[1] != 0xff {
		t.Errorf("32767-byte topic: len %d, %v", len(key), err)
	}
}

func TestDecodeOffsetSyncErrors(t *testing.T) {
	val := "000000000000006400000000000000c8"
	for _, tc := range []struct {
		name, key, value string
		want             string
	}{
		{"empty key", "", val, "too short"},
		{"one-byte key", "00", val, "too short"},
		{"topic cut short", "00066f7264", val, "too short"},
		{"partition cut short", "00066f72646572730000", val, "too short"},
		{"negative length", "ffff00000000", val, "cannot be negative"},
		{"value cut short", "00066f726465727300000000", "00000000000000640000", "too short"},
	} {
		k, _ := hex.DecodeString(tc.key)
		v, _ := hex.DecodeString(tc.value)
		_, err := decodeOffsetSync(k, v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error saying %q", tc.name, err, tc.want)
		}
		if tc.want == "too short" && !errors.Is(err, errOffsetSyncTruncated) {
			t.Errorf("%s: %v is not errOffsetSyncTruncated", tc.name, err)
		}
	}
	// As Java's Schema.read, bytes after the last field are ignored.
	k, _ := hex.DecodeString("00066f726465727300000002ff")
	v, _ := hex.DecodeString(val + "ee")
	s, err := decodeOffsetSync(k, v)
	if err != nil || s != (offsetSync{topicPartition{"orders", 2}, 100, 200}) {
		t.Errorf("trailing bytes: %v, %v", s, err)
	}
}
