package workerconfig

import (
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// ignoredKeys are worker keys Java Connect acts on and Ferry accepts but does
// not (no JVM plugin loading, no JMX metrics, no
// REST extensions but the basic-auth one, client tuning sarama does not
// expose; the ignored TLS keys are in ssl.go). Keep this list in
// step with what the runtime implements.
var ignoredKeys = map[string]bool{
	PluginPath:               true,
	PluginDiscovery:          true,
	MetricReporters:          true,
	MetricsSampleWindowMs:    true,
	MetricsNumSamples:        true,
	MetricsRecordingLevel:    true,
	ClientDNSLookup:          true,
	SendBufferBytes:          true,
	ReceiveBufferBytes:       true,
	ReconnectBackoffMs:       true,
	ReconnectBackoffMaxMs:    true,
	SocketConnectionSetupMax: true,
	RetryBackoffMaxMs:        true,
	ConnectionsMaxIdleMs:     true,
	MetadataRecoveryStrategy: true,
}

// ignoredPrefixes are key prefixes Java knows and Ferry ignores.
var ignoredPrefixes = []string{
	"metrics.context.", // metrics reporter labels
}

// unusedKeys lists the keys set in props that Ferry ignores, sorted. An
// exactly.once.source.support other than "disabled" is listed too: Ferry
// runs source tasks at least once.
func unusedKeys(props map[string]string, values connect.Values) []string {
	var out []string
	for k := range props {
		if ignoredKeys[k] {
			out = append(out, k)
			continue
		}
		for _, p := range ignoredPrefixes {
			if strings.HasPrefix(k, p) {
				out = append(out, k)
				break
			}
		}
	}
	out = append(out, unusedSSL(props)...)
	if l, _ := values[RestExtensionClasses].([]string); hasOtherThan(l, BasicAuthExtensionClass) {
		out = append(out, RestExtensionClasses)
	}
	if v, _ := values[ExactlyOnceSourceSupport].(string); v != "" && v != ExactlyOnceDisabled {
		out = append(out, ExactlyOnceSourceSupport)
	}
	sort.Strings(out)
	return out
}

// internalConverterWarnings is WorkerConfig.logInternalConverterRemovalWarnings.
func internalConverterWarnings(props map[string]string) []string {
	var removed []string
	for _, p := range []string{"internal.key.converter", "internal.value.converter"} {
		if _, ok := props[p]; ok {
			removed = append(removed, p)
		}
		var sub []string
		for k := range props {
			if strings.HasPrefix(k, p+".") {
				sub = append(sub, k)
			}
		}
		sort.Strings(sub)
		removed = append(removed, sub...)
	}
	if len(removed) == 0 {
		return nil
	}
	return []string{"The worker has been configured with one or more internal converter properties ([" +
		strings.Join(removed, ", ") + "]). " +
		"Support for these properties was deprecated in version 2.0 and removed in version 3.0, " +
		"and specifying them will have no effect. " +
		"Instead, an instance of the JsonConverter with schemas.enable " +
		"set to false will be used. For more information, please visit " +
		"https://kafka.apache.org/documentation/#upgrade and consult the upgrade notes" +
		"for the 3.0 release."}
}

// hasOtherThan tells whether list holds an entry other than v.
func hasOtherThan(list []string, v string) bool {
	for _, x := range list {
		if x != v {
			return true
		}
	}
	return false
}
