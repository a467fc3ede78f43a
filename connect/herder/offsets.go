package herder

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// Connector offsets through the REST API (KIP-875), for source connectors:
// read from the offsets topic, altered or reset only while the connector is
// STOPPED with no tasks, on the leader, as Java's DistributedHerder and
// Worker do.

// ConnectorOffsets reads connector name's committed offsets.
func (h *Herder) ConnectorOffsets(ctx context.Context, name string) (entities.ConnectorOffsets, error) {
	if !h.configs.Snapshot().Contains(name) {
		return entities.ConnectorOffsets{}, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
	}
	partitions, values, err := h.readConnectorOffsets(ctx, name)
	if err != nil {
		return entities.ConnectorOffsets{}, h.timedOut(fmt.Errorf("Failed to retrieve offsets for source connector %s: %w", name, err)) //nolint:staticcheck // Java's text
	}
	out := entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{}}
	for i, p := range partitions {
		if values[i] == nil {
			continue
		}
		out.Offsets = append(out.Offsets, entities.ConnectorOffset{Partition: p, Offset: values[i]})
	}
	return out, nil
}

// readConnectorOffsets reads the offsets topic to its end and returns the
// connector's partitions with their offsets.
func (h *Herder) readConnectorOffsets(ctx context.Context, name string) ([]map[string]any, []map[string]any, error) {
	// Get reads to the end first, so the partition list is current.
	if _, err := h.offsets.Get(ctx, nil); err != nil {
		return nil, nil, err
	}
	partitions := h.offsets.ConnectorPartitions(name)
	keys := make([][]byte, len(partitions))
	for i, p := range partitions {
		k, err := storage.OffsetKey(name, p)
		if err != nil {
			return nil, nil, err
		}
		keys[i] = k
	}
	raw, err := h.offsets.Get(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	values := make([]map[string]any, len(keys))
	for i, k := range keys {
		v, err := storage.ParseOffsetValue(raw[string(k)])
		if err != nil {
			return nil, nil, err
		}
		values[i] = v
	}
	return partitions, values, nil
}

// AlterConnectorOffsets writes the given offsets (a nil offset resets its
// partition).
func (h *Herder) AlterConnectorOffsets(ctx context.Context, name string, offsets entities.ConnectorOffsets) (entities.Message, error) {
	if len(offsets.Offsets) == 0 {
		return entities.Message{}, connect.Errorf(connect.ErrBadRequest, "Partitions / offsets need to be provided for an alter offsets request")
	}
	list := make([]connect.PartitionOffset, len(offsets.Offsets))
	for i, o := range offsets.Offsets {
		list[i] = connect.PartitionOffset{Partition: o.Partition, Offset: o.Offset}
	}
	return h.modifyOffsets(ctx, name, list, false)
}

// ResetConnectorOffsets removes every offset of the connector.
func (h *Herder) ResetConnectorOffsets(ctx context.Context, name string) (entities.Message, error) {
	return h.modifyOffsets(ctx, name, nil, true)
}

func (h *Herder) modifyOffsets(ctx context.Context, name string, offsets []connect.PartitionOffset, reset bool) (entities.Message, error) {
	msg, err := call(h, ctx, func(ctx context.Context) (entities.Message, error) {
		if h.rebalanceNeeded() {
			return entities.Message{}, errStaleConfig()
		}
		if err := h.requireLeader("Only the leader can process external offsets modification requests"); err != nil {
			return entities.Message{}, err
		}
		if err := h.configs.Refresh(ctx); err != nil {
			return entities.Message{}, fmt.Errorf("Failed to read to end of config topic before modifying connector offsets: %w", err) //nolint:staticcheck // Java's text
		}
		snap := h.configs.Snapshot()
		if !snap.Contains(name) {
			return entities.Message{}, connect.Errorf(connect.ErrNotFound, "Connector %s not found", name)
		}
		if snap.TargetState(name) != storage.TargetStopped || len(snap.Tasks(name)) != 0 {
			return entities.Message{}, connect.Errorf(connect.ErrBadRequest, "Connectors must be in the STOPPED state before their offsets can be modified. "+
				"This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
		}
		defer h.stages.begin("modifying offsets for connector " + name)()
		return h.writeOffsets(ctx, name, snap.ConnectorConfigs[name], offsets, reset)
	})
	return msg, h.timedOut(err)
}

// writeOffsets is Java's Worker.modifySourceConnectorOffsets.
func (h *Herder) writeOffsets(ctx context.Context, name string, config map[string]string, offsets []connect.PartitionOffset, reset bool) (entities.Message, error) {
	wrap := func(err error) error {
		var ke *connect.KindError
		if errors.As(err, &ke) {
			return err
		}
		return fmt.Errorf("Failed to modify offsets for source connector %s: %w", name, err) //nolint:staticcheck // Java's text
	}
	if reset {
		partitions, values, err := h.readConnectorOffsets(ctx, name)
		if err != nil {
			return entities.Message{}, wrap(err)
		}
		offsets = nil
		for i, p := range partitions {
			if values[i] != nil {
				offsets = append(offsets, connect.PartitionOffset{Partition: p})
			}
		}
	}
	normalized, err := normalizeOffsets(offsets)
	if err != nil {
		return entities.Message{}, wrap(err)
	}
	// The connector sees its config resolved, as in Java.
	config, err = h.worker.TransformConfig(config)
	if err != nil {
		return entities.Message{}, wrap(err)
	}
	managed := false
	plugin, err := h.registry.Connector(config["connector.class"])
	if err != nil {
		return entities.Message{}, wrap(err)
	}
	if a, ok := plugin.NewConnector().(connect.OffsetAlterer); ok {
		if managed, err = a.AlterOffsets(config, normalized); err != nil {
			return entities.Message{}, &connect.KindError{Kind: errOffsetsRejected, Msg: err.Error(), Cause: err}
		}
	}
	if len(normalized) > 0 {
		entries := make([]storage.OffsetEntry, len(normalized))
		for i, o := range normalized {
			k, err := storage.OffsetKey(name, o.Partition)
			if err != nil {
				return entities.Message{}, wrap(err)
			}
			var v []byte
			if o.Offset != nil {
				if v, err = storage.OffsetValue(o.Offset); err != nil {
					return entities.Message{}, wrap(err)
				}
			}
			entries[i] = storage.OffsetEntry{Key: k, Value: v}
		}
		if err := h.offsets.Set(ctx, entries); err != nil {
			return entities.Message{}, wrap(err)
		}
	}
	kind := "altered"
	if reset {
		kind = "reset"
	}
	h.log.Info().Str("connector", name).Int("partitions", len(normalized)).Str("operation", kind).Msg("connector offsets modified")
	if managed {
		return entities.Message{Message: "The offsets for this connector have been " + kind + " successfully"}, nil
	}
	return entities.Message{Message: "The Connect framework-managed offsets for this connector have been " + kind +
		" successfully. However, if this connector manages offsets externally, they will need to be manually " + kind +
		" in the system that the connector uses."}, nil
}

// errOffsetsRejected is the kind of a connector's refusal of offsets (a
// 500 with the connector's message, as in Java).
var errOffsetsRejected = errors.New("offsets rejected")

// normalizeOffsets passes partitions and offsets through the offsets
// topic's JSON form, as Java does with its internal JsonConverter, so a
// connector sees the types it would read back (integers as int64). Later
// entries for the same partition win.
func normalizeOffsets(in []connect.PartitionOffset) ([]connect.PartitionOffset, error) {
	out := make([]connect.PartitionOffset, 0, len(in))
	index := map[string]int{}
	for _, o := range in {
		if o.Partition == nil {
			return nil, fmt.Errorf("Source partitions may not be null") //nolint:staticcheck // Java's text
		}
		p, err := roundTrip(o.Partition)
		if err != nil {
			return nil, err
		}
		var off map[string]any
		if o.Offset != nil {
			if off, err = roundTrip(o.Offset); err != nil {
				return nil, err
			}
		}
		key, _ := javajson.Marshal(p)
		if i, ok := index[string(key)]; ok {
			out[i].Offset = off
			continue
		}
		index[string(key)] = len(out)
		out = append(out, connect.PartitionOffset{Partition: p, Offset: off})
	}
	return out, nil
}

func roundTrip(m map[string]any) (map[string]any, error) {
	plain := make(map[string]any, len(m))
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				v = i
			} else if f, err := n.Float64(); err == nil {
				v = f
			}
		}
		plain[k] = v
	}
	b, err := storage.OffsetValue(plain)
	if err != nil {
		return nil, err
	}
	v, err := storage.ParseOffsetValue(b)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = map[string]any{}
	}
	return v, nil
}
