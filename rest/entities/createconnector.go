package entities

import (
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/storage"
)

// CreateConnectorRequest is the body of POST /connectors. A nil
// InitialState means none was given (the connector starts RUNNING); Java
// writes it as "initial_state":null, and so do we.
type CreateConnectorRequest struct {
	Name         string            `json:"name"`
	Config       map[string]string `json:"config"`
	InitialState *InitialState     `json:"initial_state"`
}

// InitialState is the state a connector is created in (KIP-980).
type InitialState string

// The initial states the REST API accepts.
const (
	InitialRunning InitialState = "RUNNING"
	InitialPaused  InitialState = "PAUSED"
	InitialStopped InitialState = "STOPPED"
)

// ParseInitialState accepts RUNNING, PAUSED and STOPPED in any case, as
// Java's InitialState.forValue does (no trimming, and unlike target states
// STARTED is not accepted).
func ParseInitialState(s string) (InitialState, error) {
	switch st := InitialState(strings.ToUpper(s)); st {
	case InitialRunning, InitialPaused, InitialStopped:
		return st, nil
	}
	return "", fmt.Errorf("unknown initial state %q", s)
}

// TargetState maps the initial state to the target state the herder
// records: RUNNING is STARTED.
func (s InitialState) TargetState() storage.TargetState {
	switch s {
	case InitialPaused:
		return storage.TargetPaused
	case InitialStopped:
		return storage.TargetStopped
	}
	return storage.TargetStarted
}
