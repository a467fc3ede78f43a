package memstore

import (
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkastore"
	"github.com/rs/zerolog"
)

// OffsetStore is kafkastore's OffsetStore over an in-memory log.
type OffsetStore struct {
	*kafkastore.OffsetStore
}

var _ storage.OffsetStore = (*OffsetStore)(nil)

// NewOffsetStore returns an empty offset store.
func NewOffsetStore() *OffsetStore {
	return &OffsetStore{kafkastore.NewOffsetStoreOnLog(new(memLog).open, zerolog.Nop())}
}
