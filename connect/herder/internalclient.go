package herder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// errNoInternalREST is Java's answer when a follower without inter-worker
// communication has task configs for the leader.
var errNoInternalREST = errors.New("This worker is not able to communicate with the leader of the cluster, " +
	"which is required for dynamically-reconfiguring connectors. If running MirrorMaker 2 " +
	"in dedicated mode, consider enabling inter-worker communication via the " +
	"'dedicated.mode.enable.internal.rest' property.")

// errSendPending: task configs are on their way to the leader.
var errSendPending = errors.New("task configs are being sent to the leader")

// taskConfigSend is the outcome of one send to the leader.
type taskConfigSend struct {
	connector string
	err       error
}

// startTaskConfigSend sends task configs to the leader in a goroutine of its
// own, as Java's forwardRequestExecutor does: the leader handles the request
// on its herder loop, which may be waiting in a JoinGroup for this very
// worker, so the loop must never wait for the answer. The result comes back
// in sendResults and is taken by collectTaskConfigSends.
func (h *Herder) startTaskConfigSend(c string, configs []map[string]string) {
	h.sending[c] = true
	req, err := h.newTaskConfigRequest(c, configs)
	if err != nil {
		delete(h.sending, c)
		h.scheduleTaskConfigRetry(c, err, time.Now())
		return
	}
	h.sends.Add(1)
	go func() {
		defer h.sends.Done()
		err := h.doInternalRequest(req)
		if err == nil {
			h.log.Info().Str("connector", c).Int("tasks", len(configs)).Msg("sent new task configs to the leader")
		}
		h.sendMu.Lock()
		h.sendResults = append(h.sendResults, taskConfigSend{connector: c, err: err})
		h.sendMu.Unlock()
		h.wakeUp()
	}()
}

// collectTaskConfigSends takes the results of finished sends (on the loop).
func (h *Herder) collectTaskConfigSends() {
	h.sendMu.Lock()
	results := h.sendResults
	h.sendResults = nil
	h.sendMu.Unlock()
	for _, r := range results {
		delete(h.sending, r.connector)
		if r.err != nil {
			h.scheduleTaskConfigRetry(r.connector, r.err, time.Now())
			continue
		}
		h.forgetTaskConfigRequest(r.connector)
	}
}

// newTaskConfigRequest builds the POST of a connector's task configs to the leader's
// internal endpoint, signed when the group runs the sessioned protocol
// (Java's reconfigureConnector on a follower). Failures are retried by the
// caller with backoff.
func (h *Herder) newTaskConfigRequest(c string, configs []map[string]string) (*http.Request, error) {
	if h.cfg.NoInternalREST {
		return nil, errNoInternalREST
	}
	leader := h.leaderURL()
	if leader == "" {
		return nil, fmt.Errorf("no known leader to send the task configs of %s to", c)
	}
	body, err := json.Marshal(configs)
	if err != nil {
		return nil, err
	}
	target := strings.TrimSuffix(leader, "/")
	for _, seg := range h.cfg.RESTNamespace {
		target += "/" + seg
	}
	target += "/connectors/" + url.PathEscape(c) + "/tasks"
	req, err := http.NewRequestWithContext(h.sendCtx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if h.signingRequired() {
		key := h.snapshot.SessionKey
		if key == nil {
			return nil, fmt.Errorf("no session key yet to sign the task configs of %s", c)
		}
		if err := signRequest(req, h.cfg.SignatureAlgorithm, key.Key, body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// doInternalRequest sends a request to another worker and checks the
// answer (off the loop).
func (h *Herder) doInternalRequest(req *http.Request) error {
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
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
