import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.mirror.MirrorCheckpointConnector;
import org.apache.kafka.connect.mirror.MirrorClientConfig;
import org.apache.kafka.connect.mirror.MirrorHeartbeatConnector;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.MirrorSourceConnector;
import org.apache.kafka.connect.mirror.SourceAndTarget;

// Writes the golden files the Go tests of package mmconfig compare with:
// what Kafka's own MirrorMakerConfig makes of each mm2.properties sample.
//
//   golden/<name>.json  for every testdata/<name>.properties: the iteration
//                       order of clusters(), clusterPairs(),
//                       enableInternalRest(), clusterProps(alias) for every
//                       alias, and workerConfig and connectorBaseConfig (for
//                       each of MirrorMaker's three connector classes) for
//                       every pair of clusterPairs() and, in files with at
//                       most three clusters, every other ordered pair too.
//   golden/errors.json  for every testdata/errors/<name>.properties: the
//                       message Java fails with (loading the file, building
//                       MirrorMakerConfig, or MirrorMaker's own "no flows"
//                       check), or null when Java accepts the file.
//   golden/names.json   the key names MirrorMakerConfig filters with:
//                       allConfigNames() and MirrorClientConfig's
//                       CLIENT_CONFIG_DEF names.
//
// Regenerate (from this directory, with Kafka 4.3.1's jars):
//
//   java -cp "$HOME/.cache/ferry/kafka-4.3.1/libs/*" GenerateGolden.java
//
// A file without "clusters" but with source.bootstrap.servers or
// target.bootstrap.servers is Ferry's seed form, which Java does not have:
// it is given to Java as the explicit file Ferry reads it as, that is with
// clusters = source, target and source->target.enabled = true (unless set).
public class GenerateGolden {
    static final List<Class<?>> CONNECTORS = Arrays.asList(
        MirrorSourceConnector.class, MirrorHeartbeatConnector.class, MirrorCheckpointConnector.class);

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        File dir = new File(".");
        File out = new File(dir, "golden");
        out.mkdirs();

        File[] files = dir.listFiles((d, n) -> n.endsWith(".properties"));
        Arrays.sort(files);
        for (File f : files) {
            Map<String, Object> golden = describe(load(f));
            String name = f.getName().replaceAll("\\.properties$", ".json");
            json.writeValue(new File(out, name), golden);
            System.out.println("wrote golden/" + name);
        }

        Map<String, String> errors = new TreeMap<>();
        File[] bad = new File(dir, "errors").listFiles((d, n) -> n.endsWith(".properties"));
        Arrays.sort(bad);
        for (File f : bad) {
            errors.put(f.getName(), javaError(f));
        }
        json.writeValue(new File(out, "errors.json"), errors);
        System.out.println("wrote golden/errors.json");

        Map<String, Object> names = new LinkedHashMap<>();
        MirrorMakerConfig any = new MirrorMakerConfig(Map.of("clusters", "A"));
        Method all = MirrorMakerConfig.class.getDeclaredMethod("allConfigNames");
        all.setAccessible(true);
        names.put("connector_config_names", new TreeSet<>((Set<?>) all.invoke(any)));
        Field client = MirrorClientConfig.class.getDeclaredField("CLIENT_CONFIG_DEF");
        client.setAccessible(true);
        names.put("client_config_names", new TreeSet<>(((ConfigDef) client.get(null)).names()));
        json.writeValue(new File(out, "names.json"), names);
        System.out.println("wrote golden/names.json");
    }

    // load reads a properties file as MirrorMaker.main does, then applies
    // Ferry's seed form.
    static Map<String, String> load(File f) throws Exception {
        Map<String, String> props = new TreeMap<>(Utils.propsToStringMap(Utils.loadProps(f.getPath())));
        if (!props.containsKey("clusters")
                && (props.containsKey("source.bootstrap.servers") || props.containsKey("target.bootstrap.servers"))) {
            props.put("clusters", "source, target");
            props.putIfAbsent("source->target.enabled", "true");
        }
        return props;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> describe(Map<String, String> props) throws Exception {
        MirrorMakerConfig config = new MirrorMakerConfig(props);
        Map<String, Object> golden = new LinkedHashMap<>();
        List<String> clusters = new ArrayList<>(config.clusters());
        golden.put("clusters_set_order", clusters);
        List<String> flows = new ArrayList<>();
        for (SourceAndTarget st : config.clusterPairs()) {
            flows.add(st.toString());
        }
        golden.put("flows", flows);
        golden.put("internal_rest", config.enableInternalRest());

        Method clusterProps = MirrorMakerConfig.class.getDeclaredMethod("clusterProps", String.class);
        clusterProps.setAccessible(true);
        Map<String, Object> perCluster = new TreeMap<>();
        for (String alias : clusters) {
            perCluster.put(alias, new TreeMap<>((Map<String, String>) clusterProps.invoke(config, alias)));
        }
        golden.put("cluster_props", perCluster);

        Map<String, Object> workers = new TreeMap<>();
        Map<String, Object> connectors = new TreeMap<>();
        for (String source : clusters) {
            for (String target : clusters) {
                if (source.equals(target)
                        || clusters.size() > 3 && !flows.contains(source + "->" + target)) {
                    continue;
                }
                SourceAndTarget st = new SourceAndTarget(source, target);
                workers.put(st.toString(), new TreeMap<>(config.workerConfig(st)));
                Map<String, Object> byClass = new TreeMap<>();
                for (Class<?> c : CONNECTORS) {
                    byClass.put(c.getName(), new TreeMap<>(config.connectorBaseConfig(st, c)));
                }
                connectors.put(st.toString(), byClass);
            }
        }
        golden.put("worker_configs", workers);
        golden.put("connector_configs", connectors);
        return golden;
    }

    // javaError is the message Java stops with for the file, or null.
    static String javaError(File f) {
        try {
            MirrorMakerConfig config = new MirrorMakerConfig(load(f));
            if (config.clusterPairs().isEmpty()) {
                // MirrorMaker's constructor (with no --clusters filter).
                return "No source->target replication flows.";
            }
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
