package mirror

import (
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// ExactlyOnceSupport is Java's MirrorSourceConnector.exactlyOnceSupport:
// exactly-once is possible only when the replication consumer reads
// committed records (isolation.level=read_committed).
func (c *MirrorSourceConnector) ExactlyOnceSupport(props map[string]string) connect.ExactlyOnceSupport {
	cfg, err := parseSourceConfig(newSourceConfigDef(), props)
	if err != nil {
		return connect.ExactlyOnceUnsupported
	}
	if strings.EqualFold(strings.TrimSpace(cfg.sourceConsumerProps("replication-consumer")["isolation.level"]), "read_committed") {
		return connect.ExactlyOnceSupported
	}
	return connect.ExactlyOnceUnsupported
}
