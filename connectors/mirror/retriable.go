package mirror

import (
	"errors"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// errFatal marks errors this package decides are not worth retrying
// (for example a partition without a stored offset under
// auto.offset.reset=none).
var errFatal = errors.New("not retriable")

// isRetriable decides whether an error is transient: errors this package
// marks with errFatal never are; the rest is kafkaclient.Retriable, Ferry's
// one classifier.
func isRetriable(err error) bool {
	return !errors.Is(err, errFatal) && kafkaclient.Retriable(err)
}
