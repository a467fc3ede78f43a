// Command nullpipe is the benchmark's practical ceiling for mirroring: a
// plain sarama consumer -> producer loop, with no Connect runtime, no
// offsets, no offset syncs and no conversion. It copies every partition of
// one topic from its earliest offset into the same partition of another
// topic on another cluster (key, value, headers and timestamp kept), with
// the client settings Ferry's MirrorSourceTask uses:
//
//   - consumer: Ferry's kafkaclient.Parse defaults (sarama at protocol
//     3.6) plus Consumer.Return.Errors and MirrorSourceTask's default fetch
//     size (mirror.DefaultPartitionFetchBytes), one sarama client and
//     consumer per task, one partition consumer per partition;
//   - producer: one async producer per task with the configuration of
//     Ferry's task producers (runtime.TaskProducerConfig: acks=all, one
//     request in flight, no idempotence, successes returned, 1 MiB max
//     message, at most 8,192 records per request, 1000 retries with a
//     backoff growing to 1 s), but the record's own partition.
//
// Partitions are dealt to -tasks tasks round-robin, as MirrorSourceConnector
// spreads them. Consumer errors are logged (sarama retries; Ferry's task
// does the same with the retriable ones). It runs until SIGTERM or SIGINT
// and exits 0 at once (there is no state to save), or exits 1 when a record
// cannot be produced. The target topic must exist.
//
//	nullpipe -source 127.0.0.1:9092 -target 127.0.0.1:9093 -topic t -target-topic a.t -tasks 4
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/connectors/mirror"
)

func main() {
	source := flag.String("source", "", "source bootstrap servers (host:port,...)")
	target := flag.String("target", "", "target bootstrap servers (host:port,...)")
	topic := flag.String("topic", "", "source topic")
	targetTopic := flag.String("target-topic", "", "target topic (must exist, with at least the source's partitions)")
	tasks := flag.Int("tasks", 1, "tasks: each has its own consumer client and producer")
	flag.Parse()
	if *source == "" || *target == "" || *topic == "" || *targetTopic == "" || *tasks < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*source, *target, *topic, *targetTopic, *tasks); err != nil {
		fmt.Fprintln(os.Stderr, "nullpipe:", err)
		os.Exit(1)
	}
}

func run(source, target, topic, targetTopic string, tasks int) error {
	probe, err := newClient(source)
	if err != nil {
		return err
	}
	parts, err := probe.Partitions(topic)
	_ = probe.Close()
	if err != nil {
		return fmt.Errorf("partitions of %s: %w", topic, err)
	}
	failed := make(chan error, 1)
	fail := func(err error) {
		select {
		case failed <- err:
		default:
		}
	}
	for i := 0; i < tasks && i < len(parts); i++ {
		var mine []int32
		for j := i; j < len(parts); j += tasks {
			mine = append(mine, parts[j])
		}
		if err := startTask(source, target, topic, targetTopic, mine, fail); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "nullpipe: copying %d partitions of %s into %s with %d tasks\n", len(parts), topic, targetTopic, min(tasks, len(parts)))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	select {
	case s := <-stop:
		fmt.Fprintf(os.Stderr, "nullpipe: %v: stopping\n", s)
		return nil
	case err := <-failed:
		return err
	}
}

// newClient is a sarama client with Ferry's client defaults.
func newClient(servers string) (sarama.Client, error) {
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": servers})
	if err != nil {
		return nil, err
	}
	kc.Sarama.Consumer.Return.Errors = true
	kc.Sarama.Consumer.Fetch.Default = mirror.DefaultPartitionFetchBytes
	return sarama.NewClient(kc.Brokers, kc.Sarama)
}

// newProducer is an async producer with the settings of Ferry's source
// task producers (runtime.TaskProducerConfig), except that the partition is
// always the record's own.
func newProducer(servers string) (sarama.AsyncProducer, error) {
	kc, err := runtime.TaskProducerConfig(map[string]string{"bootstrap.servers": servers}, "nullpipe")
	if err != nil {
		return nil, err
	}
	kc.Sarama.Producer.Partitioner = sarama.NewManualPartitioner
	return sarama.NewAsyncProducer(kc.Brokers, kc.Sarama)
}

// startTask starts copying partitions of topic into targetTopic, until the
// process exits; errors go to fail.
func startTask(source, target, topic, targetTopic string, partitions []int32, fail func(error)) error {
	client, err := newClient(source)
	if err != nil {
		return err
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return err
	}
	producer, err := newProducer(target)
	if err != nil {
		return err
	}
	go func() {
		for range producer.Successes() {
		}
	}()
	go func() {
		for e := range producer.Errors() {
			fail(fmt.Errorf("produce to %s-%d: %w", targetTopic, e.Msg.Partition, e.Err))
		}
	}()
	for _, p := range partitions {
		pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			return fmt.Errorf("consume %s-%d: %w", topic, p, err)
		}
		go func() {
			for e := range pc.Errors() {
				fmt.Fprintf(os.Stderr, "nullpipe: consume %s-%d: %v\n", topic, p, e.Err)
			}
		}()
		go func() {
			for m := range pc.Messages() {
				headers := make([]sarama.RecordHeader, len(m.Headers))
				for i, h := range m.Headers {
					headers[i] = *h
				}
				producer.Input() <- &sarama.ProducerMessage{
					Topic:     targetTopic,
					Partition: m.Partition,
					Key:       bytesOrNil(m.Key),
					Value:     bytesOrNil(m.Value),
					Headers:   headers,
					Timestamp: m.Timestamp,
				}
			}
		}()
	}
	return nil
}

// bytesOrNil keeps a null key or value null.
func bytesOrNil(b []byte) sarama.Encoder {
	if b == nil {
		return nil
	}
	return sarama.ByteEncoder(b)
}
