package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// preflightTimeout bounds the first contact with Kafka at start-up.
const preflightTimeout = 30 * time.Second

// fetchClusterID connects to Kafka and returns its cluster id. An
// unreachable cluster gives one clear error naming the bootstrap servers.
func fetchClusterID(ctx context.Context, kc *kafkaclient.Config) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	type result struct {
		id  string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		id, err := clusterID(kc)
		ch <- result{id, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return "", fmt.Errorf("cannot reach Kafka at %s (bootstrap.servers): %w", strings.Join(kc.Brokers, ","), r.err)
		}
		return r.id, nil
	case <-ctx.Done():
		return "", fmt.Errorf("cannot reach Kafka at %s (bootstrap.servers): no answer within %v", strings.Join(kc.Brokers, ","), preflightTimeout)
	}
}

func clusterID(kc *kafkaclient.Config) (string, error) {
	sc := *kc.Sarama
	sc.ClientID = kc.Sarama.ClientID + "-preflight"
	sc.Metadata.Retry.Max = 2
	client, err := sarama.NewClient(kc.Brokers, &sc)
	if err != nil {
		return "", err
	}
	defer func() { _ = client.Close() }()
	b, err := client.Controller()
	if err != nil {
		return "", err
	}
	resp, err := b.GetMetadata(sarama.NewMetadataRequest(sc.Version, []string{}))
	if err != nil {
		return "", err
	}
	if resp.ClusterID == nil {
		return "", nil
	}
	return *resp.ClusterID, nil
}
