// GenRecords writes records_golden.json: heartbeat and checkpoint records
// encoded and decoded by Kafka's own MirrorMaker client classes, which
// records_test.go compares Ferry's codec against.
//
// Rerun from this directory (Java 17+, Kafka 4.3.1 jars; assertions stay
// disabled, as in a production MirrorMaker):
//
//	java -cp "$HOME/.cache/ferry/kafka-4.3.1/libs/*" GenRecords.java > records_golden.json
//
// recordKey(), recordValue() and connectPartition() are package-private in
// Kafka, so they are called through reflection.

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.mirror.Checkpoint;
import org.apache.kafka.connect.mirror.Heartbeat;

public class GenRecords {

    static Object call(Object target, String name) throws Exception {
        Method m = target.getClass().getDeclaredMethod(name);
        m.setAccessible(true);
        return m.invoke(target);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    static byte[] unhex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    // str quotes s as a JSON string, escaping everything outside printable
    // ASCII so the file stays ASCII.
    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    static String json(Object o) {
        if (o == null) return "null";
        if (o instanceof String) return str((String) o);
        if (o instanceof Number || o instanceof Boolean) return o.toString();
        if (o instanceof Map) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : new TreeMap<>((Map<?, ?>) o).entrySet())
                parts.add(str(e.getKey().toString()) + ": " + json(e.getValue()));
            return "{" + String.join(", ", parts) + "}";
        }
        throw new IllegalArgumentException(o.getClass().toString());
    }

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static Map<String, Object> heartbeat(String name, String source, String target, long ts) throws Exception {
        Heartbeat h = new Heartbeat(source, target, ts);
        return obj("name", name, "source", source, "target", target, "timestamp", ts,
            "key", hex((byte[]) call(h, "recordKey")), "value", hex((byte[]) call(h, "recordValue")),
            "string", h.toString(), "connectPartition", call(h, "connectPartition"));
    }

    static Map<String, Object> checkpoint(String name, String group, String topic, int partition,
            long upstream, long downstream, String metadata) throws Exception {
        Checkpoint c = new Checkpoint(group, new TopicPartition(topic, partition), upstream, downstream, metadata);
        return obj("name", name, "group", group, "topic", topic, "partition", partition,
            "upstreamOffset", upstream, "downstreamOffset", downstream, "metadata", metadata,
            "key", hex((byte[]) call(c, "recordKey")), "value", hex((byte[]) call(c, "recordValue")),
            "string", c.toString(), "connectPartition", call(c, "connectPartition"));
    }

    // decode runs Java's deserializeRecord on hand-made bytes and records
    // what it made of them (the record, or the exception's message).
    static Map<String, Object> decode(String kind, String name, String key, String value) {
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>("t", 0, 0L, unhex(key), unhex(value));
        Map<String, Object> out = obj("kind", kind, "name", name, "key", key, "value", value);
        try {
            if (kind.equals("heartbeat")) {
                Heartbeat h = Heartbeat.deserializeRecord(rec);
                out.put("source", h.sourceClusterAlias());
                out.put("target", h.targetClusterAlias());
                out.put("timestamp", h.timestamp());
            } else {
                Checkpoint c = Checkpoint.deserializeRecord(rec);
                out.put("group", c.consumerGroupId());
                out.put("topic", c.topicPartition().topic());
                out.put("partition", c.topicPartition().partition());
                out.put("upstreamOffset", c.upstreamOffset());
                out.put("downstreamOffset", c.downstreamOffset());
                out.put("metadata", c.metadata());
            }
            out.put("ok", true);
        } catch (Exception e) {
            out.put("ok", false);
            out.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return out;
    }

    static String tooLong(Runnable r) {
        try {
            r.run();
            return "no error";
        } catch (RuntimeException e) {
            Throwable t = e;
            while (t.getCause() != null) t = t.getCause();
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }

    public static void main(String[] args) throws Exception {
        List<Map<String, Object>> heartbeats = List.of(
            heartbeat("plain", "A", "B", 1700000000123L),
            heartbeat("non-ASCII aliases", "s\u00fcd-\u00e9st", "\u76ee\u6807-\ud83d\ude80", 0L),
            heartbeat("empty aliases, negative timestamp", "", "", -1L),
            heartbeat("max timestamp", "us-east.prod", "eu_west-1", Long.MAX_VALUE),
            heartbeat("min timestamp", "x", "y", Long.MIN_VALUE));

        List<Map<String, Object>> checkpoints = List.of(
            checkpoint("plain, empty metadata", "orders-app", "A.orders", 0, 100L, 42L, ""),
            checkpoint("non-ASCII everywhere", "gr\u00fcppe-\u7d44", "A.t\u00f8pic-\ud83d\ude00", 7, 5L, 5L,
                "meta \u00e9\u00e8 \ud83d\udc4d"),
            checkpoint("large offsets and partition", "g", "B.A.big", Integer.MAX_VALUE,
                Long.MAX_VALUE, Long.MAX_VALUE - 1, "m"),
            checkpoint("empty group and topic, negative numbers", "", "", -1, -1L, Long.MIN_VALUE, "x"),
            checkpoint("long metadata", "g", "t", 3, 65536L, 4294967296L, "0123456789".repeat(30)));

        List<Map<String, Object>> decodes = List.of(
            decode("heartbeat", "value version 1 read as version 0", "000141000142", "0001" + "0000018bcfe56800"),
            decode("heartbeat", "value version -1 read as version 0", "000141000142", "ffff" + "0000000000000001"),
            decode("heartbeat", "trailing bytes ignored", "000141000142" + "ffff", "0000" + "0000000000000002" + "00"),
            decode("heartbeat", "value too short for timestamp", "000141000142", "0000" + "000000"),
            decode("heartbeat", "empty value", "000141000142", ""),
            decode("heartbeat", "key missing target", "000141", "0000" + "0000000000000003"),
            decode("heartbeat", "key string longer than the bytes", "0005414243", "0000" + "0000000000000003"),
            decode("heartbeat", "key negative string length", "ffff41", "0000" + "0000000000000003"),
            decode("checkpoint", "value version 3 read as version 0",
                "000167" + "000174" + "00000001", "0003" + "000000000000000a" + "0000000000000009" + "0000"),
            decode("checkpoint", "trailing bytes ignored",
                "000167" + "000174" + "00000001" + "abcdef", "0000" + "000000000000000a" + "0000000000000009" + "00016d" + "99"),
            decode("checkpoint", "key missing partition", "000167" + "000174" + "0000", "0000" + "000000000000000a" + "0000000000000009" + "0000"),
            decode("checkpoint", "value missing metadata", "000167" + "000174" + "00000001", "0000" + "000000000000000a" + "0000000000000009"),
            decode("checkpoint", "metadata longer than the bytes", "000167" + "000174" + "00000001", "0000" + "000000000000000a" + "0000000000000009" + "0004aa"),
            decode("checkpoint", "value too short for downstream offset", "000167" + "000174" + "00000001", "0000" + "000000000000000a" + "00"),
            decode("checkpoint", "key negative group length", "8000", "0000" + "000000000000000a" + "0000000000000009" + "0000"),
            decode("checkpoint", "empty key", "", "0000" + "000000000000000a" + "0000000000000009" + "0000"));

        String big = "a".repeat(32768);
        String max = "a".repeat(32767);
        Map<String, Object> limits = obj(
            "heartbeatAlias32768", tooLong(() -> { try { call(new Heartbeat(big, "b", 0), "recordKey"); } catch (Exception e) { throw new RuntimeException(e); } }),
            "checkpointMetadata32768", tooLong(() -> { try { call(new Checkpoint("g", new TopicPartition("t", 0), 0, 0, big), "recordValue"); } catch (Exception e) { throw new RuntimeException(e); } }),
            "checkpointGroup32767KeyLength", 0);
        Checkpoint maxGroup = new Checkpoint(max, new TopicPartition("t", 0), 0, 0, "");
        limits.put("checkpointGroup32767KeyLength", ((byte[]) call(maxGroup, "recordKey")).length);

        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"generator\": \"GenRecords.java with Kafka ")
          .append(org.apache.kafka.common.utils.AppInfoParser.getVersion()).append("\",\n");
        appendList(sb, "heartbeats", heartbeats);
        sb.append(",\n");
        appendList(sb, "checkpoints", checkpoints);
        sb.append(",\n");
        appendList(sb, "decodes", decodes);
        sb.append(",\n  \"limits\": ").append(json(limits)).append("\n}\n");
        System.out.print(sb);
    }

    static void appendList(StringBuilder sb, String name, List<Map<String, Object>> items) {
        sb.append("  \"").append(name).append("\": [\n");
        for (int i = 0; i < items.size(); i++) {
            sb.append("    ").append(json(items.get(i))).append(i + 1 < items.size() ? ",\n" : "\n");
        }
        sb.append("  ]");
    }
}
