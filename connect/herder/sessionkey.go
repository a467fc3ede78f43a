package herder

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
	"github.com/ferrykafka/ferry/storage"
)

// KIP-507: with the "sessioned" sub-protocol, the leader keeps a secret key
// in the config topic (the session-key record) and every internal request
// between workers carries an HMAC of its body made with it.

// Session-key defaults (DistributedConfig).
const (
	DefaultKeyAlgorithm       = "HmacSHA256"
	DefaultKeyTTL             = time.Hour
	defaultKeySizeBytes       = 32 // the JDK's default HmacSHA256 key size
	defaultSignatureAlgorithm = "HmacSHA256"
)

// macFor returns the hash of a Java Mac algorithm name.
func macFor(algorithm string) (func() hash.Hash, error) {
	switch algorithm {
	case "HmacSHA256":
		return sha256.New, nil
	case "HmacSHA384":
		return sha512.New384, nil
	case "HmacSHA512":
		return sha512.New, nil
	case "HmacSHA224":
		return sha256.New224, nil
	}
	return nil, fmt.Errorf("Algorithm %s not available", algorithm)
}

// sign is the base64 HMAC of body with key.
func sign(algorithm string, key, body []byte) ([]byte, error) {
	h, err := macFor(algorithm)
	if err != nil {
		return nil, err
	}
	m := hmac.New(h, key)
	m.Write(body)
	return m.Sum(nil), nil
}

// signRequest adds the signature headers to an internal request.
func signRequest(req *http.Request, algorithm string, key, body []byte) error {
	sig, err := sign(algorithm, key, body)
	if err != nil {
		return err
	}
	req.Header.Set(entities.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
	req.Header.Set(entities.SignatureAlgorithmHeader, algorithm)
	return nil
}

// statusError is a connect error with its own HTTP status (403, 503).
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string   { return e.msg }
func (e *statusError) HTTPStatus() int { return e.status }

// verifySignature checks an internal request as Java's
// requestNotSignedProperly does, with its messages.
func verifySignature(sig *entities.InternalRequestSignature, allowed []string, key *storage.SessionKey) error {
	if sig == nil {
		return connect.Errorf(connect.ErrBadRequest, "Internal request missing required signature")
	}
	if !slices.Contains(allowed, sig.Algorithm) {
		return connect.Errorf(connect.ErrBadRequest, "This worker does not support the '%s' key signing algorithm used by other workers. "+
			"This worker is currently configured to use: [%s]. "+
			"Check that all workers' configuration files permit the same set of signature algorithms, "+
			"and correct any misconfigured worker and restart it.", sig.Algorithm, strings.Join(allowed, ", "))
	}
	if key == nil {
		return &statusError{status: http.StatusServiceUnavailable, msg: "This worker is still starting up and has not been able to read a session key from the config topic yet"}
	}
	want, err := sign(sig.Algorithm, key.Key, sig.Body)
	if err != nil {
		return connect.Errorf(connect.ErrBadRequest, "%s", err.Error())
	}
	if !hmac.Equal(want, sig.Signature) {
		return &statusError{status: http.StatusForbidden, msg: "Internal request contained invalid signature."}
	}
	return nil
}

// newSessionKey generates a key for the configured algorithm.
func newSessionKey(algorithm string, sizeBytes int, now time.Time) (storage.SessionKey, error) {
	if sizeBytes <= 0 {
		sizeBytes = defaultKeySizeBytes
	}
	b := make([]byte, sizeBytes)
	if _, err := rand.Read(b); err != nil {
		return storage.SessionKey{}, fmt.Errorf("generate session key: %w", err)
	}
	return storage.SessionKey{Key: b, Algorithm: algorithm, CreationTime: now.UnixMilli()}, nil
}

// keyNeedsRotation is the leader's check (Java's checkForKeyRotation): no
// key yet, an expired one, or one of another algorithm or size.
func keyNeedsRotation(key *storage.SessionKey, algorithm string, sizeBytes int, ttl time.Duration, now time.Time) bool {
	if sizeBytes <= 0 {
		sizeBytes = defaultKeySizeBytes
	}
	switch {
	case key == nil:
		return true
	case time.UnixMilli(key.CreationTime).Add(ttl).Compare(now) <= 0:
		return true
	case key.Algorithm != algorithm || len(key.Key) != sizeBytes:
		return true
	}
	return false
}
