// MirrorClientQuery asks Kafka's own connect-mirror-client (RemoteClusterUtils)
// about one cluster, so the e2e tests can compare its answers with Ferry's
// mirrorclient package on the same data. Run by kafkaharness.RunJavaProgram:
//
//   java -cp '<kafka libs>/*' MirrorClientQuery.java <bootstrap> <group> <remote alias> [<upstream alias>...]
//
// Every answer is a line starting with "RESULT\t":
//   RESULT  offset  <topic>  <partition>  <offset>  <metadata>   (translateOffsets)
//   RESULT  hops    <alias>  <n>                                  (replicationHops)
//   RESULT  upstream <alias>                                       (upstreamClusters)
//   RESULT  heartbeats <topic>                                     (heartbeatTopics)
//   RESULT  checkpoints <topic>                                    (checkpointTopics)
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.mirror.RemoteClusterUtils;

public class MirrorClientQuery {
    public static void main(String[] args) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", args[0]);
        String group = args[1];
        String remote = args[2];
        List<String> out = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets =
            RemoteClusterUtils.translateOffsets(props, remote, group, Duration.ofSeconds(60));
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            out.add("offset\t" + e.getKey().topic() + "\t" + e.getKey().partition() + "\t"
                + e.getValue().offset() + "\t" + e.getValue().metadata());
        }
        for (int i = 3; i < args.length; i++) {
            out.add("hops\t" + args[i] + "\t" + RemoteClusterUtils.replicationHops(props, args[i]));
        }
        for (String s : RemoteClusterUtils.upstreamClusters(props)) {
            out.add("upstream\t" + s);
        }
        for (String s : RemoteClusterUtils.heartbeatTopics(props)) {
            out.add("heartbeats\t" + s);
        }
        for (String s : RemoteClusterUtils.checkpointTopics(props)) {
            out.add("checkpoints\t" + s);
        }
        Collections.sort(out);
        for (String line : out) {
            System.out.println("RESULT\t" + line);
        }
    }
}
