package rest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/rest/entities"
)

// The internal endpoints workers call on each other (Java's
// InternalClusterResource), not meant for users. They take any media type,
// as Java's (which read the body as bytes) do.

// javaTaskConfigs is the Java type of POST /connectors/{c}/tasks's body as
// Jackson names it (List<Map<String, String>>, made concrete).
const javaTaskConfigs = "java.util.ArrayList<java.util.Map<java.lang.String,java.lang.String>>"

// putTaskConfigs: POST /connectors/{connector}/tasks with a JSON array of
// task configs. The worker running a connector sends its tasks' configs to
// the leader, signed (KIP-507); the herder verifies the signature. 204
// without a body. A worker that is not the leader forwards the request,
// byte for byte.
func (s *Server) putTaskConfigs(r *http.Request) (reply, error) {
	body, err := readBody(r)
	if err != nil {
		return reply{}, err
	}
	configs, err := decodeTaskConfigs(body)
	if err != nil {
		return reply{}, err
	}
	sig, err := signatureFromHeaders(r.Header, body)
	if err != nil {
		return reply{}, err
	}
	if err := s.herderFor(r).PutTaskConfigs(r.Context(), pathVar(r, "connector"), configs, sig); err != nil {
		return s.completeOrForward(r, body, err)
	}
	return reply{status: http.StatusNoContent}, nil
}

// fenceZombies: PUT /connectors/{connector}/fence (KIP-618), sent by a
// worker that starts an exactly-once source task to the leader, signed
// like POST /connectors/{c}/tasks; the body (any media type, usually
// empty) is only what the signature covers. 204 without a body. A worker
// that is not the leader forwards the request, body as received (Java
// forwards it as a JSON string of its Base64); as in Java the signature
// headers are not forwarded.
func (s *Server) fenceZombies(r *http.Request) (reply, error) {
	body, err := readBody(r)
	if err != nil {
		return reply{}, err
	}
	sig, err := signatureFromHeaders(r.Header, body)
	if err != nil {
		return reply{}, err
	}
	if err := s.herderFor(r).FenceZombies(r.Context(), pathVar(r, "connector"), sig); err != nil {
		var fwd []byte
		if len(body) > 0 {
			fwd = body
		}
		return s.completeOrForward(r, fwd, err)
	}
	return reply{status: http.StatusNoContent}, nil
}

// decodeTaskConfigs reads a list of task configs with Jackson's rules and
// messages (as Java's ObjectMapper.readValue into List<Map<String,
// String>>): numbers and booleans are accepted as strings, null values are
// dropped, an error inside the list's i-th element names
// java.util.ArrayList[i] in its reference chain. An empty body or JSON null
// is a 400 "HTTP 400 Bad Request" and a null element a 400 naming its index
// (Java accepts both and fails later, with a 500).
func decodeTaskConfigs(body []byte) ([]map[string]string, error) {
	r := newJSONReader(body)
	t, err := r.next()
	switch {
	case err != nil:
		return nil, err
	case t == tokNone || t == tokNull:
		return nil, errNoContent()
	case t != tokStartArray:
		return nil, mismatch(javaTaskConfigs, t, r.tokLoc)
	}
	configs := []map[string]string{}
	for {
		elem := "java.util.ArrayList[" + strconv.Itoa(len(configs)) + "]"
		t, err := r.next()
		if err != nil {
			return nil, withPath(err, elem)
		}
		if t == tokEndArray {
			return configs, nil
		}
		if t == tokNull {
			return nil, badRequest("Task configuration %d is null", len(configs))
		}
		m, err := readStringMap(r, t)
		if err != nil {
			return nil, withPath(err, elem)
		}
		configs = append(configs, m)
	}
}

// signatureFromHeaders is Java's InternalRequestSignature.fromHeaders: nil
// unless both signature headers are present; the signature is Base64 as
// java.util.Base64 decodes it, and a bad one is a 400 with its message.
// Checking the algorithm is left to the herder.
func signatureFromHeaders(h http.Header, body []byte) (*entities.InternalRequestSignature, error) {
	algorithm, ok := headerString(h, entities.SignatureAlgorithmHeader)
	if !ok {
		return nil, nil
	}
	encoded, ok := headerString(h, entities.SignatureHeader)
	if !ok {
		return nil, nil
	}
	sig, err := javaBase64Decode(encoded)
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = []byte{}
	}
	return &entities.InternalRequestSignature{Body: body, Signature: sig, Algorithm: algorithm}, nil
}

// headerString is JAX-RS's HttpHeaders.getHeaderString: the values of a
// repeated header joined with ","; ok is false when the header is absent.
func headerString(h http.Header, name string) (string, bool) {
	vals := h.Values(name)
	if len(vals) == 0 {
		return "", false
	}
	return strings.Join(vals, ","), true
}
