package memstore

import "errors"

// ErrNotRunning is returned by a store used before Start or after Stop.
var ErrNotRunning = errors.New("memstore: store is not running")
