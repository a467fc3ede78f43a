import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.mirror.MirrorClientConfig;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;

// Writes the golden files of package mmconfig's ClientConfig tests: what
// Kafka's own MirrorMakerConfig.clientConfig(alias) gives the clients of
// each cluster.
//
//   client/golden/<name>.json  for every <name>.properties of this directory
//                              and of client/: per alias of clusters(), and
//                              for the alias "unlisted" that no file lists,
//                              the admin, consumer and producer configs
//                              (adminConfig(), consumerConfig(),
//                              producerConfig()) and the replication.policy.*
//                              keys of originals(), or the message
//                              clientConfig fails with; and the ConfigDef
//                              type of every key those configs hold.
//
// The configs keep only the keys the settings give (admin.<key> or <key>
// in originals()): Java fills in the other keys' defaults, which Ferry
// leaves to the client. Values are written as strings: a Password's value,
// a list joined with ",", a class by its name, anything else by toString.
//
// Regenerate (from this directory, with Kafka 4.3.1's jars):
//
//   java -cp "$HOME/.cache/ferry/kafka-4.3.1/libs/*" GenerateClientGolden.java
//
// Files are loaded as GenerateGolden.java loads them (Ferry's seed form
// given to Java as the equivalent explicit file).
public class GenerateClientGolden {
    static final String[] ROLES = {"admin", "consumer", "producer"};

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        File out = new File("client", "golden");
        out.mkdirs();
        List<File> files = new ArrayList<>();
        for (File dir : new File[] {new File("."), new File("client")}) {
            File[] fs = dir.listFiles((d, n) -> n.endsWith(".properties"));
            Arrays.sort(fs);
            files.addAll(Arrays.asList(fs));
        }
        for (File f : files) {
            String name = f.getName().replaceAll("\\.properties$", ".json");
            json.writeValue(new File(out, name), describe(load(f)));
            System.out.println("wrote client/golden/" + name);
        }
    }

    // load reads a properties file as MirrorMaker.main does, then applies
    // Ferry's seed form (as GenerateGolden.load).
    static Map<String, String> load(File f) throws Exception {
        Map<String, String> props = new TreeMap<>(Utils.propsToStringMap(Utils.loadProps(f.getPath())));
        if (!props.containsKey("clusters")
                && (props.containsKey("source.bootstrap.servers") || props.containsKey("target.bootstrap.servers"))) {
            props.put("clusters", "source, target");
            props.putIfAbsent("source->target.enabled", "true");
        }
        return props;
    }

    static Map<String, Object> describe(Map<String, String> props) throws Exception {
        MirrorMakerConfig config = new MirrorMakerConfig(props);
        List<String> aliases = new ArrayList<>(config.clusters());
        aliases.add("unlisted");
        Map<String, Object> clusters = new TreeMap<>();
        Map<String, String> types = new TreeMap<>();
        for (String alias : aliases) {
            Map<String, Object> golden = new LinkedHashMap<>();
            MirrorClientConfig client;
            try {
                client = config.clientConfig(alias);
            } catch (Exception e) {
                // Kafka 4.3.1 requires bootstrap.servers.
                golden.put("error", e.getMessage());
                clusters.put(alias, golden);
                continue;
            }
            for (String role : ROLES) {
                Map<String, Object> values = switch (role) {
                    case "admin" -> client.adminConfig();
                    case "consumer" -> client.consumerConfig();
                    default -> client.producerConfig();
                };
                Map<String, String> given = new TreeMap<>();
                for (Map.Entry<String, Object> e : values.entrySet()) {
                    String k = e.getKey();
                    if (client.originals().containsKey(role + "." + k) || client.originals().containsKey(k)) {
                        given.put(k, string(e.getValue()));
                        types.put(k, configType(k));
                    }
                }
                golden.put(role, given);
            }
            Map<String, String> policy = new TreeMap<>();
            for (Map.Entry<String, Object> e : client.originals().entrySet()) {
                if (e.getKey().startsWith("replication.policy.")) {
                    policy.put(e.getKey(), (String) e.getValue());
                }
            }
            golden.put("replication_policy", policy);
            clusters.put(alias, golden);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("clusters", clusters);
        result.put("types", types);
        return result;
    }

    // configType is the key's type in MirrorClientConfig.CONFIG_DEF, which
    // parses the values (bootstrap.servers is a STRING there, a LIST in
    // CLIENT_CONFIG_DEF).
    static String configType(String key) throws Exception {
        java.lang.reflect.Field f = MirrorClientConfig.class.getDeclaredField("CONFIG_DEF");
        f.setAccessible(true);
        return ((ConfigDef) f.get(null)).configKeys().get(key).type.name();
    }

    static String string(Object v) {
        if (v instanceof Password p) {
            return p.value();
        }
        if (v instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            for (Object o : l) {
                items.add(String.valueOf(o));
            }
            return String.join(",", items);
        }
        if (v instanceof Class<?> c) {
            return c.getName();
        }
        return String.valueOf(v);
    }
}
