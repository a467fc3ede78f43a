package herder

import "github.com/ferrykafka/ferry/storage"

// listener receives config-store callbacks and connector events. It only
// records and wakes the loop (habit 1: listeners never act).
type listener struct{ h *Herder }

func (l listener) OnConnectorConfigUpdate(c string) {
	l.h.changes.connectorConfigRecord(c)
	l.h.wakeUp()
}

func (l listener) OnConnectorConfigRemove(c string) {
	l.h.changes.connectorConfigRecord(c)
	l.h.wakeUp()
}

func (l listener) OnTaskConfigUpdate([]storage.ConnectorTaskID) {
	l.h.wakeUp()
}
func (l listener) OnConnectorTargetStateChange(string)   { l.h.wakeUp() }
func (l listener) OnSessionKeyUpdate(storage.SessionKey) {}

// ConnectorStarted implements runtime.ConnectorEvents.
func (h *Herder) ConnectorStarted(connector string) {
	h.changes.requestReconfig(connector)
	h.wakeUp()
}

// TaskReconfigurationRequested implements runtime.ConnectorEvents.
func (h *Herder) TaskReconfigurationRequested(connector string) {
	h.changes.requestReconfig(connector)
	h.wakeUp()
}
