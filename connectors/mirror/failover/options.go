package failover

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mmconfig"
)

// Output formats.
const (
	OutputTable = "table"
	OutputJSON  = "json"
)

// DefaultTimeout bounds each phase of the command (reading cluster B,
// reading cluster A, applying) unless --timeout says otherwise.
const DefaultTimeout = 30 * time.Second

// Options is a validated failover request.
type Options struct {
	// Group is the consumer group to move.
	Group string
	// From is the alias of the cluster the group leaves (the checkpoints'
	// source); To the alias of the cluster it moves to.
	From, To string
	// Target holds the Java client properties for cluster To, plus the
	// replication.policy.* keys, read as Java's MirrorClientConfig reads
	// them: plain keys apply to every client, admin.<key> and
	// consumer.<key> override them for the admin client (the command's
	// own connection, see adminSettings) and for the consumer that reads
	// the checkpoints. Its admin settings always have bootstrap.servers.
	Target map[string]string
	// Source holds the Java client properties for cluster From, read as
	// Target is, or is nil when no connection to From was given (its
	// columns are then unknown).
	Source map[string]string
	// Apply commits the plan; otherwise the plan is only printed.
	Apply bool
	// Output is OutputTable or OutputJSON.
	Output string
	// Timeout bounds each phase (see DefaultTimeout).
	Timeout time.Duration
	// Warnings are mmconfig's warnings about the mm2.properties (settings
	// MirrorMaker ignores or reads surprisingly), each naming the file,
	// for the caller to show.
	Warnings []string
}

// Inputs are the command line's settings before validation: flag values as
// typed, file paths not yet read.
type Inputs struct {
	Group, From, To string
	// BootstrapServer and CommandConfig reach cluster To (CommandConfig is
	// a Java client properties file: security.protocol, ssl.*, sasl.*, and
	// optionally replication.policy.*).
	BootstrapServer, CommandConfig string
	// SourceBootstrapServer and SourceCommandConfig reach cluster From.
	SourceBootstrapServer, SourceCommandConfig string
	// Config is an mm2.properties file giving both clusters' settings, as
	// MirrorMaker's dedicated mode reads it (package mmconfig); it excludes
	// the four flags above.
	Config  string
	Apply   bool
	Output  string
	Timeout time.Duration
}

// UsageError reports a request the command cannot run as given: a missing
// or conflicting flag, an unreadable or malformed file, an unknown alias.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// IsUsageError reports whether err is (or wraps) a *UsageError.
func IsUsageError(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// Options validates the inputs and reads the files they name. Every error
// is a *UsageError.
func (in Inputs) Options() (Options, error) {
	o := Options{
		Group:   in.Group,
		From:    strings.TrimSpace(in.From),
		To:      strings.TrimSpace(in.To),
		Apply:   in.Apply,
		Output:  strings.ToLower(strings.TrimSpace(in.Output)),
		Timeout: in.Timeout,
	}
	switch {
	case o.Group == "":
		return o, usagef("--group is required")
	case o.From == "":
		return o, usagef("--from is required (the alias of the cluster the group leaves)")
	case o.To == "":
		return o, usagef("--to is required (the alias of the cluster the group moves to)")
	case o.From == o.To:
		return o, usagef("--from and --to are both %q: they must name two clusters", o.From)
	}
	switch o.Output {
	case "":
		o.Output = OutputTable
	case OutputTable, OutputJSON:
	default:
		return o, usagef("--output %q: want table or json", in.Output)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Timeout < 0 {
		return o, usagef("--timeout %v: must be positive", in.Timeout)
	}

	var err error
	if in.Config != "" {
		if in.BootstrapServer != "" || in.CommandConfig != "" || in.SourceBootstrapServer != "" || in.SourceCommandConfig != "" {
			return o, usagef("--config gives both clusters' settings: do not combine it with --bootstrap-server, --command-config, --source-bootstrap-server or --source-command-config")
		}
		if o.Target, o.Source, o.Warnings, err = fromMM2(in.Config, o.From, o.To); err != nil {
			return o, err
		}
	} else {
		if in.BootstrapServer == "" {
			return o, usagef("give cluster %s's address with --bootstrap-server host:port (or an mm2.properties with --config)", o.To)
		}
		if o.Target, err = clientProps("--command-config", in.CommandConfig, "--bootstrap-server", in.BootstrapServer); err != nil {
			return o, err
		}
		switch {
		case in.SourceBootstrapServer != "":
			if o.Source, err = clientProps("--source-command-config", in.SourceCommandConfig, "--source-bootstrap-server", in.SourceBootstrapServer); err != nil {
				return o, err
			}
		case in.SourceCommandConfig != "":
			return o, usagef("--source-command-config needs --source-bootstrap-server")
		}
	}
	if _, err := policyFor(o.Target, o.From); err != nil {
		return o, &UsageError{Err: err}
	}
	if _, err := kafkaclient.Parse(adminSettings(o.Target)); err != nil {
		return o, usagef("settings of cluster %s: %v", o.To, err)
	}
	if o.Source != nil {
		if _, err := kafkaclient.Parse(adminSettings(o.Source)); err != nil {
			return o, usagef("settings of cluster %s: %v", o.From, err)
		}
	}
	return o, nil
}

// fromMM2 reads the clusters' settings from an mm2.properties file as
// MirrorMaker's dedicated mode reads it (mmconfig.Load: the seed form is
// accepted, and every cluster must have bootstrap.servers). Both aliases
// must be listed in the file's clusters. The warnings are mmconfig's,
// prefixed with the file.
func fromMM2(path, from, to string) (target, source map[string]string, warnings []string, err error) {
	m, err := mmconfig.Load(path)
	if err != nil {
		return nil, nil, nil, &UsageError{Err: err}
	}
	for _, a := range []struct{ flag, alias string }{{"--to", to}, {"--from", from}} {
		if !slices.Contains(m.Clusters(), a.alias) {
			return nil, nil, nil, usagef("%s: cluster alias %q is not listed in %s (clusters = %s)",
				a.flag, a.alias, path, strings.Join(m.Clusters(), ", "))
		}
	}
	for _, w := range m.Warnings() {
		warnings = append(warnings, path+": "+w)
	}
	return mirrorClientProps(m.ClientConfig(to)), mirrorClientProps(m.ClientConfig(from)), warnings, nil
}

// mirrorClientProps returns what the command's clients of one cluster take
// from its MirrorClientConfig (Java's MirrorMakerConfig.clientConfig), in
// the form mirrorclient.NewClient and adminSettings read: the settings the
// admin client and the consumer share as plain keys, the others prefixed
// admin. or consumer., and the replication.policy.* keys. Read back, the
// admin settings are exactly cc.AdminConfig() and the consumer's exactly
// cc.ConsumerConfig().
func mirrorClientProps(cc *mmconfig.ClientConfig) map[string]string {
	admin, consumer := cc.AdminConfig(), cc.ConsumerConfig()
	out := map[string]string{}
	for k, v := range admin {
		if cv, ok := consumer[k]; ok && cv == v {
			out[k] = v
		} else {
			out[mirrorclient.AdminClientPrefix+k] = v
		}
	}
	for k, v := range consumer {
		if _, shared := out[k]; !shared {
			out[mirrorclient.ConsumerClientPrefix+k] = v
		}
	}
	for k, v := range cc.Originals() {
		if strings.HasPrefix(k, replicationPolicyPrefix) {
			out[k] = v
		}
	}
	return out
}

// adminSettings returns the settings of the admin client props describe
// (clientSettings with admin.). The command's own connections are admin
// clients.
func adminSettings(props map[string]string) map[string]string {
	return clientSettings(props, mirrorclient.AdminClientPrefix)
}

// clientSettings returns the settings of the client of one role (prefix
// admin., consumer. or producer.) that props describe, read as Java's
// MirrorClientConfig reads them: the plain keys, each overridden by its
// prefixed form. Keys of the roles are left out.
func clientSettings(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if !hasRolePrefix(k) {
			out[k] = v
		}
	}
	for k, v := range props {
		if name, ok := strings.CutPrefix(k, prefix); ok && name != "" {
			out[name] = v
		}
	}
	return out
}

// hasRolePrefix reports whether key is a setting of one client role.
func hasRolePrefix(key string) bool {
	return strings.HasPrefix(key, mirrorclient.AdminClientPrefix) ||
		strings.HasPrefix(key, mirrorclient.ConsumerClientPrefix) ||
		strings.HasPrefix(key, "producer.")
}

// replicationPolicyPrefix starts the keys configuring the replication
// policy (replication.policy.class, replication.policy.separator, ...).
const replicationPolicyPrefix = "replication.policy."

// clientProps reads a Java client properties file (if any) and sets
// bootstrap.servers from the flag, which wins over the file, also over a
// role's bootstrap.servers (admin.bootstrap.servers, ...) there.
func clientProps(fileFlag, path, serverFlag, servers string) (map[string]string, error) {
	props := map[string]string{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, usagef("%s: cannot read %s: %v", fileFlag, path, unwrapPathError(err))
		}
		if props, err = workerconfig.ParseProperties(data); err != nil {
			return nil, usagef("%s: invalid properties file %s: %v", fileFlag, path, err)
		}
		// ${provider:path:key} references, as Java's clients resolve them
		// with the file's own config.providers.
		tr, err := workerconfig.NewConfigTransformer(props)
		if err != nil {
			return nil, usagef("%s: %s: %v", fileFlag, path, err)
		}
		if props, err = tr.Transform(props); err != nil {
			return nil, usagef("%s: %s: %v", fileFlag, path, err)
		}
	}
	if strings.TrimSpace(servers) == "" {
		return nil, usagef("%s is empty", serverFlag)
	}
	for _, role := range []string{mirrorclient.AdminClientPrefix, mirrorclient.ConsumerClientPrefix, "producer."} {
		delete(props, role+"bootstrap.servers")
	}
	props["bootstrap.servers"] = servers
	return props, nil
}

// unwrapPathError drops the *fs.PathError's repetition of the path.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// policyFor builds the replication policy named by props'
// replication.policy.* keys (the default policy when unset). from is the
// identity policy's source cluster alias, so that it reports where the
// downstream topics came from.
func policyFor(props map[string]string, from string) (mirrorclient.ReplicationPolicy, error) {
	class := strings.TrimSpace(props[replicationPolicyPrefix+"class"])
	if class == "" {
		class = mirrorclient.DefaultReplicationPolicyClass
	}
	cfg := map[string]string{}
	for k, v := range props {
		if strings.HasPrefix(k, replicationPolicyPrefix) {
			cfg[k] = v
		}
	}
	cfg[mirrorclient.SourceClusterAliasConfig] = from
	p, err := mirrorclient.NewReplicationPolicy(class, cfg)
	if err != nil {
		return nil, fmt.Errorf("replication.policy.class: %w", err)
	}
	return p, nil
}
