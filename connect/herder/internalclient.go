package herder

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/storage"
)

// internalRequestTimeout bounds one request to another worker.
const internalRequestTimeout = 30 * time.Second

// sendTaskConfigsToLeader posts a connector's task configs to the leader's
// internal endpoint, signed when the group runs the sessioned protocol
// (Java's reconfigureConnector on a follower). Failures are retried by the
// caller with backoff.
func (h *Herder) sendTaskConfigsToLeader(ctx context.Context, c string, configs []map[string]string) error {
	leader := h.leaderURL()
	if leader == "" {
		return fmt.Errorf("no known leader to send the task configs of %s to", c)
	}
	body, err := json.Marshal(configs)
	if err != nil {
		return err
	}
	target := strings.TrimSuffix(leader, "/") + "/connectors/" + url.PathEscape(c) + "/tasks"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if h.signingRequired() {
		key := h.snapshot.SessionKey
		if key == nil {
			return fmt.Errorf("no session key yet to sign the task configs of %s", c)
		}
		if err := signRequest(req, h.cfg.SignatureAlgorithm, key.Key, body); err != nil {
			return err
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("send task configs of %s to the leader at %s: %w", c, leader, err)
	}
	defer func() { _ = resp.Body.Close() }()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the leader at %s refused the task configs of %s: %d %s", leader, c, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	h.log.Info().Str("connector", c).Int("tasks", len(configs)).Str("leader_url", leader).Msg("sent new task configs to the leader")
	return nil
}

// maybeRotateSessionKey is the leader's KIP-507 duty: distribute a session
// key when there is none, it expired, or its algorithm or size changed.
func (h *Herder) maybeRotateSessionKey(ctx context.Context) {
	if !h.signingRequired() {
		return
	}
	now := time.Now()
	if !keyNeedsRotation(h.snapshot.SessionKey, h.cfg.KeyAlgorithm, h.cfg.KeySize, h.cfg.KeyTTL, now) {
		return
	}
	key, err := newSessionKey(h.cfg.KeyAlgorithm, h.cfg.KeySize, now)
	if err != nil {
		h.log.Error().Err(err).Msg("could not generate a session key")
		return
	}
	if err := h.configs.PutSessionKey(ctx, key); err != nil {
		h.log.Warn().Err(err).Msg("could not write a new session key; will retry")
		return
	}
	h.snapshot = h.configs.Snapshot()
	h.log.Info().Str("algorithm", key.Algorithm).Msg("distributed a new session key")
}

// keyExpiry is when the current session key must be replaced (for the
// loop's wake-up schedule).
func keyExpiry(key *storage.SessionKey, ttl time.Duration) time.Time {
	if key == nil {
		return time.Time{}
	}
	return time.UnixMilli(key.CreationTime).Add(ttl)
}
