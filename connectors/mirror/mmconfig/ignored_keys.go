package mmconfig

import (
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// restKeyPrefixes are the top-level worker keys the node's internal REST
// server reads (Java's RestServerConfig), which are therefore used even
// though the flows' workers do not take them.
var restKeyPrefixes = []string{"listeners", "rest.", "access.control.", "response.http.headers.config", "admin.listeners"}

// ignoredWorkerKeyWarnings warns about top-level keys that are settings of
// a Connect worker (offset.flush.interval.ms, session.timeout.ms, ...) but
// that Java's workerConfig does not pass on to the flows' workers: Java
// silently ignores them, and a file migrated from a worker.properties
// often has them. They take effect per target cluster (<alias>.<key>).
func (c *Config) ignoredWorkerKeyWarnings(keys []string) []string {
	workerKeys := map[string]bool{}
	for _, ck := range workerconfig.ConfigDef().Keys() {
		workerKeys[ck.Name] = true
	}
	var out []string
	for _, k := range keys {
		if !workerKeys[k] || connectorConfigNames[k] || clientConfigNames[k] || k == keyConfigProviders || hasAnyPrefix(k, workerKeyPrefixes) || hasAnyPrefix(k, restKeyPrefixes) {
			continue
		}
		example := "<alias>"
		if len(c.clusters) > 0 {
			example = c.clusters[0]
		}
		out = append(out, fmt.Sprintf("top-level %s is a worker setting that MirrorMaker does not give the flows' workers (Java ignores it too); "+
			"set it for the workers on a target cluster as <alias>.%s, e.g. %s.%s", k, k, example, k))
	}
	return out
}

func hasAnyPrefix(k string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
