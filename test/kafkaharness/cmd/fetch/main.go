// Command fetch pre-fetches the Apache Kafka jars that Ferry's real-Kafka
// tests run (see package kafkaharness), so that CI can warm the cache in a
// step of its own:
//
//	go run ./test/kafkaharness/cmd/fetch          # prints the libs directory
//	go run ./test/kafkaharness/cmd/fetch -check   # exit 1 unless cached; no download
//
// The cache directory is $FERRY_KAFKA_CACHE, else
// $XDG_CACHE_HOME/ferry/kafka-<version>, else ~/.cache/ferry/kafka-<version>.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
)

func main() {
	check := flag.Bool("check", false, "only report whether the cache is complete; exit 1 if not")
	timeout := flag.Duration("timeout", 20*time.Minute, "give up on the download after this long")
	flag.Parse()

	dir, err := kafkaharness.CacheDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *check {
		if kafkaharness.Cached() {
			fmt.Println(dir + "/libs")
			return
		}
		fmt.Fprintf(os.Stderr, "Kafka %s jars are not cached in %s\n", kafkaharness.KafkaVersion, dir)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	cached := kafkaharness.Cached()
	start := time.Now()
	libDir, err := kafkaharness.EnsureJars(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	what := "fetched"
	if cached {
		what = "already cached"
	}
	fmt.Fprintf(os.Stderr, "Kafka %s jars %s in %v\n", kafkaharness.KafkaVersion, what, time.Since(start).Round(time.Millisecond))
	fmt.Println(libDir)
}
