package memstore

import (
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkastore"
	"github.com/rs/zerolog"
)

// StatusStore is kafkastore's StatusStore over an in-memory log.
type StatusStore struct {
	*kafkastore.StatusStore
}

var _ storage.StatusStore = (*StatusStore)(nil)

// NewStatusStore returns an empty status store.
func NewStatusStore() *StatusStore {
	return &StatusStore{kafkastore.NewStatusStoreOnLog(new(memLog).open, zerolog.Nop())}
}
