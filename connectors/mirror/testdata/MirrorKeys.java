import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.ConnectorConfig;

// Prints the ConfigDef keys a MirrorMaker connector defines itself (Connect's
// framework keys from ConnectorConfig.configDef() left out) as a JSON array,
// one key per line, in the ConfigDef's order.
//
// Usage: java -cp "$KAFKA/libs/*" MirrorKeys.java <connector class>
public class MirrorKeys {
    static String quote(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        Connector c = (Connector) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        List<String> lines = new ArrayList<>();
        var framework = ConnectorConfig.configDef().configKeys().keySet();
        for (ConfigDef.ConfigKey k : c.config().configKeys().values()) {
            if (framework.contains(k.name)) continue;
            String dflt = k.hasDefault() ? ConfigDef.convertToString(k.defaultValue, k.type) : null;
            lines.add(" {\"name\": " + quote(k.name) + ", \"type\": " + quote(k.type.name())
                + ", \"required\": " + !k.hasDefault() + ", \"default_value\": " + quote(dflt)
                + ", \"importance\": " + quote(k.importance.name()) + "}");
        }
        System.out.println("[\n" + String.join(",\n", lines) + "\n]");
    }
}
