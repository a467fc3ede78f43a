package workerconfig

import (
	"maps"
	"strings"
)

// ClientRole is the kind of Kafka client a task uses.
type ClientRole string

// Client roles, named as the worker property prefixes that configure them.
const (
	RoleProducer ClientRole = "producer"
	RoleConsumer ClientRole = "consumer"
	RoleAdmin    ClientRole = "admin"
)

// InternalClientProps returns the Java client properties of the worker's own
// clients: the internal-topic producers, consumers and admin clients and the
// group member. Java gives them every worker property (the stores build
// their clients from config.originals(): config provider references
// resolved, config.providers itself left out), so security settings at the
// top level apply; prefixed keys (producer.*, ...) are not applied. The
// caller sets client.id (see ClientIDBase).
func (c *Config) InternalClientProps() map[string]string {
	out := maps.Clone(c.Props)
	delete(out, ConfigProviders)
	return out
}

// TaskClientProps returns the Java client properties the worker gives a
// connector task's client of the given role, before connector overrides, as
// Java's Worker does:
//
//   - producer and consumer: bootstrap.servers, then every producer.* or
//     consumer.* worker property with the prefix stripped. Top-level
//     security settings do NOT apply; Java requires them repeated under the
//     prefix, and so does Ferry.
//   - admin: bootstrap.servers, then every worker property that does not
//     start with producer., consumer. or admin., then admin.* stripped.
//
// The framework defaults Java sets (acks=all, enable.auto.commit=false, ...)
// and client.id are the caller's, as they depend on the connector and task.
func (c *Config) TaskClientProps(role ClientRole) map[string]string {
	out := map[string]string{BootstrapServers: strings.Join(c.BootstrapServers, ",")}
	if role == RoleAdmin {
		for k, v := range c.Props {
			// Java leaves out config.providers* too: the worker has
			// resolved the references already.
			if strings.HasPrefix(k, "admin.") || strings.HasPrefix(k, "producer.") || strings.HasPrefix(k, "consumer.") ||
				strings.HasPrefix(k, ConfigProviders) {
				continue
			}
			out[k] = v
		}
	}
	maps.Copy(out, withPrefix(c.Props, string(role)+"."))
	return out
}

// ClientIDBase is Java's ConnectUtils.clientIdBase: "<group.id>-" or
// "<group.id>-<client.id>-". The internal stores append "configs",
// "offsets", "statuses", and the shared admin "shared-admin".
func (c *Config) ClientIDBase() string {
	base := c.GroupID
	if base == "" {
		base = "connect"
	}
	if strings.TrimSpace(c.ClientID) != "" {
		base += "-" + c.ClientID
	}
	return base + "-"
}

// GroupClientID is the client id of the worker's group membership:
// client.id if set, else "connect-<workerID>" (DistributedHerder).
func (c *Config) GroupClientID(workerID string) string {
	if c.ClientID != "" {
		return c.ClientID
	}
	return "connect-" + workerID
}
