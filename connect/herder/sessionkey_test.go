package herder

import (
	"encoding/base64"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

func TestSignAndVerify(t *testing.T) {
	key, err := newSessionKey("HmacSHA256", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(key.Key) != 32 || key.Algorithm != "HmacSHA256" {
		t.Fatalf("key %+v", key)
	}
	body := []byte(`[{"task.class":"x"}]`)
	req, _ := http.NewRequest(http.MethodPost, "http://leader/connectors/c/tasks", nil)
	if err := signRequest(req, "HmacSHA256", key.Key, body); err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(req.Header.Get(entities.SignatureHeader))
	if err != nil || req.Header.Get(entities.SignatureAlgorithmHeader) != "HmacSHA256" {
		t.Fatalf("headers %v (%v)", req.Header, err)
	}
	good := &entities.InternalRequestSignature{Body: body, Signature: sig, Algorithm: "HmacSHA256"}
	allowed := []string{"HmacSHA256"}
	if err := verifySignature(good, allowed, &key); err != nil {
		t.Errorf("valid signature rejected: %v", err)
	}

	status := func(err error) int {
		var se interface{ HTTPStatus() int }
		if errors.As(err, &se) {
			return se.HTTPStatus()
		}
		if errors.Is(err, connect.ErrBadRequest) {
			return 400
		}
		return 0
	}
	other, _ := newSessionKey("HmacSHA256", 0, time.Now())
	tampered := *good
	tampered.Body = []byte(`[{"task.class":"y"}]`)
	cases := []struct {
		name   string
		sig    *entities.InternalRequestSignature
		key    *storage.SessionKey
		status int
		msg    string
	}{
		{"missing", nil, &key, 400, "Internal request missing required signature"},
		{"algorithm", &entities.InternalRequestSignature{Body: body, Signature: sig, Algorithm: "HmacMD5"}, &key, 400,
			"This worker does not support the 'HmacMD5' key signing algorithm used by other workers. This worker is currently configured to use: [HmacSHA256]. Check that all workers' configuration files permit the same set of signature algorithms, and correct any misconfigured worker and restart it."},
		{"no key yet", good, nil, 503, "This worker is still starting up and has not been able to read a session key from the config topic yet"},
		{"other key", good, &other, 403, "Internal request contained invalid signature."},
		{"tampered body", &tampered, &key, 403, "Internal request contained invalid signature."},
	}
	for _, c := range cases {
		err := verifySignature(c.sig, allowed, c.key)
		if err == nil || status(err) != c.status || err.Error() != c.msg {
			t.Errorf("%s: %v (status %d); want %d %q", c.name, err, status(err), c.status, c.msg)
		}
	}
}

func TestKeyRotation(t *testing.T) {
	now := time.Now()
	fresh := &storage.SessionKey{Key: make([]byte, 32), Algorithm: "HmacSHA256", CreationTime: now.Add(-time.Minute).UnixMilli()}
	old := &storage.SessionKey{Key: make([]byte, 32), Algorithm: "HmacSHA256", CreationTime: now.Add(-2 * time.Hour).UnixMilli()}
	small := &storage.SessionKey{Key: make([]byte, 16), Algorithm: "HmacSHA256", CreationTime: fresh.CreationTime}
	otherAlg := &storage.SessionKey{Key: make([]byte, 32), Algorithm: "HmacSHA512", CreationTime: fresh.CreationTime}
	for name, c := range map[string]struct {
		key  *storage.SessionKey
		want bool
	}{"none": {nil, true}, "fresh": {fresh, false}, "expired": {old, true}, "size": {small, true}, "algorithm": {otherAlg, true}} {
		if got := keyNeedsRotation(c.key, "HmacSHA256", 0, time.Hour, now); got != c.want {
			t.Errorf("%s: rotate=%v, want %v", name, got, c.want)
		}
	}
}

func TestProtocols(t *testing.T) {
	for in, want := range map[string]string{"eager": "default", "compatible": "compatible,default", "sessioned": "sessioned,compatible,default", "": "sessioned,compatible,default"} {
		got := Protocols(in)
		s := ""
		for i, p := range got {
			if i > 0 {
				s += ","
			}
			s += p
		}
		if s != want {
			t.Errorf("Protocols(%q) = %s, want %s", in, s, want)
		}
	}
}
