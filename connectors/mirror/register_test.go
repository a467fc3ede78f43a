package mirror

import (
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

func TestRegister(t *testing.T) {
	r := connect.NewRegistry()
	if err := Register(r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SourceConnectorClass, "MirrorSourceConnector", "MirrorSource"} {
		p, err := r.Connector(name)
		if err != nil {
			t.Fatalf("resolve %s: %v", name, err)
		}
		if p.Type != connect.PluginSource || p.TaskClass != SourceTaskClass || p.Version != connect.Version {
			t.Errorf("plugin %+v", p)
		}
		if _, ok := p.NewConnector().(*MirrorSourceConnector); !ok {
			t.Errorf("NewConnector returns %T", p.NewConnector())
		}
		if _, ok := p.NewSourceTask().(*MirrorSourceTask); !ok {
			t.Errorf("NewSourceTask returns %T", p.NewSourceTask())
		}
	}
	if p, err := r.Task(SourceTaskClass); err != nil || p.Class != SourceConnectorClass {
		t.Errorf("task lookup = %v, %v", p, err)
	}
	if err := Register(r); err == nil {
		t.Error("registering twice succeeded")
	}
	for class, task := range map[string]string{
		CheckpointConnectorClass: CheckpointTaskClass,
		HeartbeatConnectorClass:  HeartbeatTaskClass,
	} {
		p, err := r.Connector(class)
		if err != nil {
			t.Fatalf("resolve %s: %v", class, err)
		}
		if p.Type != connect.PluginSource || p.TaskClass != task || p.Version != connect.Version {
			t.Errorf("plugin %+v", p)
		}
		if tp, err := r.Task(task); err != nil || tp.Class != class {
			t.Errorf("task lookup %s = %v, %v", task, tp, err)
		}
	}
	if _, ok := mustConnector(t, r, "MirrorCheckpointConnector").(*MirrorCheckpointConnector); !ok {
		t.Error("MirrorCheckpointConnector resolves to another type")
	}
	if _, ok := mustConnector(t, r, "MirrorHeartbeat").(*MirrorHeartbeatConnector); !ok {
		t.Error("MirrorHeartbeat resolves to another type")
	}
	var _ connect.SourceConnector = NewMirrorSourceConnector()
	var _ connect.SourceTask = NewMirrorSourceTask()
}

func mustConnector(t *testing.T, r *connect.Registry, name string) connect.Connector {
	t.Helper()
	p, err := r.Connector(name)
	if err != nil {
		t.Fatalf("resolve %s: %v", name, err)
	}
	return p.NewConnector()
}
