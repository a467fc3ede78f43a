//go:build !unix

package kafkaharness

import "context"

// lockFile is a no-op where flock(2) does not exist; fetches then stay safe
// through the temporary directory and rename, at the price of a possibly
// duplicated download.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
