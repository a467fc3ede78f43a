package mirror

import "github.com/ferrykafka/ferry/connect"

// Validate is Java's MirrorSourceConnector.validate: the ConfigDef's
// validation (with Java's messages for list values) plus the check that no
// offset-syncs setting is given while emit.offset-syncs.enabled is false.
//
// Java also adds its own message to exactly.once.support when "required"
// meets a consumer without isolation.level=read_committed; Ferry's runtime
// reports that key itself (ExactlyOnceSupport answers Unsupported then).
func (c *MirrorSourceConnector) Validate(props map[string]string) []connect.ConfigValue {
	return checkEmitOffsetSyncs(props, validateSourceConfig(newSourceConfigDef(), props))
}
