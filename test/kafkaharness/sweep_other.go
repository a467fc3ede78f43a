//go:build !unix

package kafkaharness

func sweepStale() {}
