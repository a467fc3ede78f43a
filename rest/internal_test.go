package rest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/rest/entities"
)

// statusKind is an error kind with its own status, as the herder's kinds
// for 403 and 503 are.
type statusKind int

func (k statusKind) Error() string   { return http.StatusText(int(k)) }
func (k statusKind) HTTPStatus() int { return int(k) }

// herderStatusError is shaped like the herder's own error type with a
// status (connect/herder's statusError).
type herderStatusError struct {
	status int
	msg    string
}

func (e *herderStatusError) Error() string   { return e.msg }
func (e *herderStatusError) HTTPStatus() int { return e.status }

func TestPutTaskConfigs(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, _ := newTestServer(t, h, Config{})

	// Raw bytes, white space and all: the signature covers exactly these.
	body := "[ {\"task.class\":\"X\", \"n\": 1, \"b\": true},\n  {\"k\":\"v\", \"gone\": null} ]"
	mac := []byte{0x00, 0x01, 0xfe, 0xff, 'h', 'm', 'a', 'c'}
	rec := call(t, s, "POST", "/connectors/c/tasks?forward=true", body,
		entities.SignatureHeader, base64.StdEncoding.EncodeToString(mac),
		entities.SignatureAlgorithmHeader, "HmacSHA256")
	expect(t, rec, 204, "")
	if ct := rec.Header().Get("Content-Type"); ct != "" {
		t.Errorf("204 with Content-Type %q", ct)
	}
	want := []map[string]string{{"task.class": "X", "n": "1", "b": "true"}, {"k": "v"}}
	if got := h.tasks("c"); !reflect.DeepEqual(got, want) {
		t.Errorf("task configs %v, want %v", got, want)
	}
	sig, _ := h.signature()
	switch {
	case sig == nil:
		t.Fatal("no signature passed to the herder")
	case !bytes.Equal(sig.Body, []byte(body)):
		t.Errorf("signature body %q, want the raw body %q", sig.Body, body)
	case !bytes.Equal(sig.Signature, mac):
		t.Errorf("signature %x, want %x", sig.Signature, mac)
	case sig.Algorithm != "HmacSHA256":
		t.Errorf("algorithm %q", sig.Algorithm)
	}

	// No task configs is a valid body; any media type is accepted (Java
	// reads the body as bytes).
	expect(t, call(t, s, "POST", "/connectors/c/tasks", "[]", "Content-Type", "text/plain"), 204, "")
	if got := h.tasks("c"); got == nil || len(got) != 0 {
		t.Errorf("task configs %#v, want empty", got)
	}

	// Without both headers there is no signature.
	for _, headers := range [][]string{
		nil,
		{entities.SignatureAlgorithmHeader, "HmacSHA256"},
		{entities.SignatureHeader, "AAAA"},
	} {
		expect(t, call(t, s, "POST", "/connectors/c/tasks", "[]", headers...), 204, "")
		if sig, _ := h.signature(); sig != nil {
			t.Errorf("headers %v: signature %+v, want nil", headers, sig)
		}
	}
	// An empty signature header is a signature (of no bytes).
	req := httptest.NewRequest("POST", "/connectors/c/tasks", strings.NewReader("[]"))
	req.Header.Set(entities.SignatureAlgorithmHeader, "HmacSHA512")
	req.Header.Set(entities.SignatureHeader, "")
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	expect(t, rec, 204, "")
	if sig, _ := h.signature(); sig == nil || len(sig.Signature) != 0 || sig.Algorithm != "HmacSHA512" {
		t.Errorf("signature %+v", sig)
	}

	expect(t, call(t, s, "POST", "/connectors/nope/tasks", "[]"), 404, errorBody(404, "Connector nope not found"))
}

func TestPutTaskConfigsBadSignature(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, _ := newTestServer(t, h, Config{})
	for _, tc := range []struct{ sig, msg string }{
		{"not base64", "Illegal base64 character 20"},
		{"YWJj-_", "Illegal base64 character 2d"},
		{"QQ=", "Input byte array has wrong 4-byte ending unit"},
		{"Q", "Input byte[] should at least have 2 bytes for base64 bytes"},
	} {
		rec := call(t, s, "POST", "/connectors/c/tasks", "[]",
			entities.SignatureHeader, tc.sig, entities.SignatureAlgorithmHeader, "HmacSHA256")
		expect(t, rec, 400, errorBody(400, tc.msg))
	}
	if _, calls := h.signature(); calls != 0 {
		t.Errorf("herder called %d times with a bad signature", calls)
	}
}

func TestPutTaskConfigsHerderErrors(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, _ := newTestServer(t, h, Config{})
	for _, tc := range []struct {
		err    error
		status int
	}{
		{&connect.KindError{Kind: statusKind(403), Msg: "Internal request contained invalid signature."}, 403},
		{&connect.KindError{Kind: statusKind(503), Msg: "This worker is still starting up and has not been able to read a session key from the config topic yet"}, 503},
		{&herderStatusError{status: 403, msg: "Internal request contained invalid signature."}, 403},
		{fmt.Errorf("verify: %w", &herderStatusError{status: 503, msg: "no session key"}), 503},
		{connect.Errorf(connect.ErrBadRequest, "Internal request missing required signature"), 400},
		{connect.Errorf(connect.ErrBadRequest, "This worker does not support the 'HmacMD5' key signing algorithm used by other workers. "+
			"This worker is currently configured to use: [HmacSHA256]. Check that all workers' configuration files permit the same set of signature algorithms, "+
			"and correct any misconfigured worker and restart it."), 400},
	} {
		h.fail = tc.err
		expect(t, call(t, s, "POST", "/connectors/c/tasks", "[]"), tc.status, errorBody(tc.status, tc.err.Error()))
	}
}

func TestPutTaskConfigsBadBodies(t *testing.T) {
	h := newFakeHerder()
	h.add("c", map[string]string{"name": "c"})
	s, _ := newTestServer(t, h, Config{MaxBodyBytes: 256})
	const src = " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
	const list = "java.util.ArrayList<java.util.Map<java.lang.String,java.lang.String>>"
	for _, tc := range []struct{ body, msg string }{
		{"", "HTTP 400 Bad Request"},
		{"null", "HTTP 400 Bad Request"},
		{"{}", "Cannot deserialize value of type `" + list + "` from Object value (token `JsonToken.START_OBJECT`)\n" + src + "line: 1, column: 1]"},
		{`"x"`, "Cannot deserialize value of type `" + list + "` from String value (token `JsonToken.VALUE_STRING`)\n" + src + "line: 1, column: 1]"},
		{"[1]", "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.String>` from Integer value (token `JsonToken.VALUE_NUMBER_INT`)\n" +
			src + "line: 1, column: 2] (through reference chain: java.util.ArrayList[0])"},
		{`[{},{"k":{}}]`, "Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)\n" +
			src + "line: 1, column: 10] (through reference chain: java.util.ArrayList[1]->java.util.LinkedHashMap[\"k\"])"},
		{"[{},", "Unexpected end-of-input within/between Array entries\n" + src + "line: 1, column: 5] (through reference chain: java.util.ArrayList[1])"},
		{"[{}, null]", "Task configuration 1 is null"},
	} {
		expect(t, call(t, s, "POST", "/connectors/c/tasks", tc.body), 400, errorBody(400, tc.msg))
	}
	big := `[{"k":"` + string(bytes.Repeat([]byte("x"), 300)) + `"}]`
	expect(t, call(t, s, "POST", "/connectors/c/tasks", big), 413,
		errorBody(413, "Request body is larger than the limit of 256 bytes"))
	if _, calls := h.signature(); calls != 0 {
		t.Errorf("herder called %d times with a bad body", calls)
	}
}

// A follower forwards the internal request to the leader: the body byte
// for byte, but (as in Java) not the signature headers.
func TestPutTaskConfigsForwarded(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	h := newFakeHerder()
	h.fail = &targetError{msg: "Only the leader may write task configurations.", url: leader.URL + "/"}
	s, _ := newTestServer(t, h, Config{})
	body := "[{\"k\": \"v\"},\n {}]"
	rec := call(t, s, "POST", "/connectors/my%2Fc/tasks", body,
		entities.SignatureHeader, "AAAA", entities.SignatureAlgorithmHeader, "HmacSHA256")
	expect(t, rec, 204, "")
	got := leader.only(t)
	if got.method != "POST" || got.path != "/connectors/my%2Fc/tasks" || got.query != "forward=true" || got.body != body {
		t.Errorf("forwarded %s %s?%s %q", got.method, got.path, got.query, got.body)
	}
	checkForwardedHeaders(t, got, "", true)

	// The leader's verdict is relayed.
	leader403 := newFakeLeader(t, 403, `{"error_code":403,"message":"Internal request contained invalid signature."}`)
	h.fail = &targetError{url: leader403.URL}
	expect(t, call(t, s, "POST", "/connectors/c/tasks?forward=true", body), 403,
		errorBody(403, "Internal request contained invalid signature."))
	if got := leader403.only(t); got.query != "forward=false" {
		t.Errorf("forwarded query %q", got.query)
	}
}

func TestJavaBase64Decode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // hex; or the error
		err  bool
	}{
		{in: "", want: ""},
		{in: "QQ", want: "41"},
		{in: "QQ==", want: "41"},
		{in: "QUI", want: "4142"},
		{in: "QUI=", want: "4142"},
		{in: "QUJD", want: "414243"},
		{in: "QR==", want: "41"}, // non-zero spare bits are ignored
		{in: "Q", err: true, want: "Input byte[] should at least have 2 bytes for base64 bytes"},
		{in: "=", err: true, want: "Input byte[] should at least have 2 bytes for base64 bytes"},
		{in: "==", err: true, want: "Input byte array has wrong 4-byte ending unit"},
		{in: "QUJD=", err: true, want: "Input byte array has wrong 4-byte ending unit"},
		{in: "QQ=", err: true, want: "Input byte array has wrong 4-byte ending unit"},
		{in: "QQ=A", err: true, want: "Input byte array has wrong 4-byte ending unit"},
		{in: "Q===", err: true, want: "Last unit does not have enough valid bits"},
		{in: "QUJDR", err: true, want: "Last unit does not have enough valid bits"},
		{in: "QQ==QQ", err: true, want: "Input byte array has incorrect ending byte at 4"},
		{in: "QUI=QUI=", err: true, want: "Input byte array has incorrect ending byte at 4"},
		{in: "QUJD\n", err: true, want: "Illegal base64 character a"},
		{in: "QUJD_w", err: true, want: "Illegal base64 character 5f"},
		{in: "\xc3\xa9AA", err: true, want: "Illegal base64 character -3d"},
		{in: "QUJDRA=\xff", err: true, want: "Input byte array has wrong 4-byte ending unit"},
	} {
		got, err := javaBase64Decode(tc.in)
		switch {
		case tc.err && err == nil:
			t.Errorf("%q: decoded %x, want error %q", tc.in, got, tc.want)
		case tc.err && (err.Error() != tc.want || statusOf(err) != 400):
			t.Errorf("%q: error %q (%d), want %q", tc.in, err, statusOf(err), tc.want)
		case !tc.err && err != nil:
			t.Errorf("%q: error %v", tc.in, err)
		case !tc.err && fmt.Sprintf("%x", got) != tc.want:
			t.Errorf("%q: %x, want %s", tc.in, got, tc.want)
		}
	}

	// Whatever Java's encoder writes, padded or not, decodes back.
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := range 70 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.UintN(256))
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
			s := enc.EncodeToString(b)
			got, err := javaBase64Decode(s)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("%q: %x, %v; want %x", s, got, err, b)
			}
		}
	}
}

func TestErrorKindPrecedence(t *testing.T) {
	h := newFakeHerder()
	s, _ := newTestServer(t, h, Config{})
	for _, tc := range []struct {
		err    error
		status int
	}{
		// The kind decides, not what the cause carries.
		{&connect.KindError{Kind: connect.ErrBadRequest, Msg: "bad", Cause: &herderStatusError{status: 503, msg: "x"}}, 400},
		{&connect.KindError{Kind: statusKind(503), Msg: "unavailable", Cause: connect.ErrNotFound}, 503},
		{fmt.Errorf("outer: %w", errors.Join(connect.ErrConflict, statusKind(403))), 409},
		{errors.Join(errors.New("plain"), statusKind(403)), 403},
	} {
		h.fail = tc.err
		expect(t, call(t, s, "GET", "/connectors", ""), tc.status, errorBody(tc.status, tc.err.Error()))
	}
}
