package rest

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// HTTP basic authentication, as Connect's BasicAuthSecurityRestExtension
// (JaasBasicAuthFilter with PropertyFileLoginModule) does it:
//
//   - the credentials are a java.util.Properties file of "user: password"
//     lines, named by rest.basic.auth.credentials.file or by the file
//     option of the PropertyFileLoginModule in the KafkaConnect entry of
//     the JAAS file java.security.auth.login.config (workerconfig reads
//     it); the file holds ISO-8859-1 text, as Java reads it, so non-ASCII
//     passwords are written with \uXXXX escapes;
//   - a request without an Authorization header, with another scheme, a
//     malformed one or wrong credentials is answered 401 with the text
//     "User cannot access the resource.";
//   - POST /connectors/{c}/tasks and PUT /connectors/{c}/fence need no
//     credentials: workers send them to each other without any, and the
//     endpoints check the request's signature themselves (under the
//     sessioned protocol, the default); on a dedicated MirrorMaker server
//     the same under a flow's /{source}/{target} prefix (Java's
//     MirrorRestServer has no REST extensions, so no authentication at
//     all);
//   - an empty credentials file lets every request through (Java logs the
//     same warning).
//
// Ferry differs on purpose: the 401 carries WWW-Authenticate (HTTP
// requires it; Java sends none) and is text/plain; an Authorization header
// that is not valid Base64 is a 401 (Java's filter lets the decoding
// exception escape: a 500); requests to unknown paths need credentials too
// (Java authenticates matched resources only, so they get a 404); the
// separate admin listeners authenticate as well (Java registers REST
// extensions on the regular listeners only); passwords are compared in
// constant time; the file is re-read when it changes (Java reads it once
// per JVM).
//
// Nothing here logs a password, an Authorization header or a user name.

// unauthorizedText is Java's 401 body.
const unauthorizedText = "User cannot access the resource."

// credentialsRecheck is how often, at most, the credentials file is checked
// for changes (on requests).
const credentialsRecheck = time.Second

// internalRequest matches the requests Java's JaasBasicAuthFilter lets
// through without credentials (its INTERNAL_REQUEST_MATCHERS, on the
// decoded path).
var internalRequest = []struct {
	method string
	path   *regexp.Regexp
}{
	{http.MethodPost, regexp.MustCompile(`^/?connectors/([^/]+)/tasks/?$`)},
	{http.MethodPut, regexp.MustCompile(`^/?connectors/[^/]+/fence/?$`)},
}

// internalFlowRequest matches the same requests under a flow's prefix, on
// a dedicated server (on the escaped path: an alias may hold an encoded
// '/').
var internalFlowRequest = []struct {
	method string
	path   *regexp.Regexp
}{
	{http.MethodPost, regexp.MustCompile(`^/[^/]+/[^/]+/connectors/[^/]+/tasks/?$`)},
	{http.MethodPut, regexp.MustCompile(`^/[^/]+/[^/]+/connectors/[^/]+/fence/?$`)},
}

// basicAuth checks requests' credentials against the credentials file.
type basicAuth struct {
	path    string
	log     zerolog.Logger
	recheck time.Duration
	// dedicated also lets internalFlowRequest through (Config.Dedicated).
	dedicated bool

	mu      sync.Mutex
	creds   map[string]string
	modTime time.Time
	size    int64
	checked time.Time
	failing bool // the last reload failed (logged once)
}

// newBasicAuth loads the credentials; nil when authentication is off.
func newBasicAuth(s workerconfig.BasicAuthSettings, log zerolog.Logger) (*basicAuth, error) {
	if !s.Enabled() {
		return nil, nil
	}
	path := s.CredentialsFile
	if path == "" {
		p, err := workerconfig.CredentialsFileFromJAAS(s.JAASConfigFile)
		if err != nil {
			return nil, err
		}
		path = p
	}
	a := &basicAuth{path: path, log: log, recheck: credentialsRecheck}
	if err := a.load(); err != nil {
		return nil, err
	}
	a.checked = time.Now()
	log.Info().Str("file", path).Int("users", len(a.creds)).Msg("REST basic authentication enabled")
	a.warnIfEmpty()
	return a, nil
}

// load reads the credentials file (the caller holds mu, or owns a).
func (a *basicAuth) load() error {
	fi, err := os.Stat(a.path)
	if err != nil {
		return fmt.Errorf("Error loading Property Credentials file: %w", err)
	}
	data, err := os.ReadFile(a.path)
	if err != nil {
		return fmt.Errorf("Error loading Property Credentials file: %w", err)
	}
	creds, err := workerconfig.ParseProperties(data)
	if err != nil {
		return fmt.Errorf("Error loading Property Credentials file %s: %w", a.path, err)
	}
	a.creds, a.modTime, a.size = creds, fi.ModTime(), fi.Size()
	return nil
}

func (a *basicAuth) warnIfEmpty() {
	if len(a.creds) == 0 {
		a.log.Warn().Msgf("Credential properties file '%s' is empty; all requests will be permitted", a.path)
	}
}

// credentials returns the current credentials, re-reading the file when
// it changed since the last check (at most once per recheck interval). A
// file that cannot be read keeps the credentials read before.
func (a *basicAuth) credentials() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if now.Sub(a.checked) < a.recheck {
		return a.creds
	}
	a.checked = now
	fi, err := os.Stat(a.path)
	if err == nil && fi.ModTime().Equal(a.modTime) && fi.Size() == a.size {
		return a.creds
	}
	if err == nil {
		err = a.load()
	}
	if err != nil {
		if !a.failing {
			a.log.Warn().Err(err).Str("file", a.path).Msg("cannot re-read the REST credentials file; keeping the credentials read before")
		}
		a.failing = true
		return a.creds
	}
	a.failing = false
	a.log.Info().Str("file", a.path).Int("users", len(a.creds)).Msg("re-read the REST credentials file")
	a.warnIfEmpty()
	return a.creds
}

// wrap makes next require credentials (a nil basicAuth requires none).
func (a *basicAuth) wrap(next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.isInternalRequest(r) {
			next.ServeHTTP(w, r)
			return
		}
		header, _ := headerString(r.Header, "Authorization")
		if ok, reason := a.authenticate(header); !ok {
			a.log.Debug().Str("method", r.Method).Str("path", r.URL.Path).Str("reason", reason).
				Msg("Request failed authentication")
			w.Header().Set("WWW-Authenticate", `Basic realm="KafkaConnect", charset="UTF-8"`)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Content-Length", fmt.Sprint(len(unauthorizedText)))
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, unauthorizedText)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *basicAuth) isInternalRequest(r *http.Request) bool {
	for _, m := range internalRequest {
		if r.Method == m.method && m.path.MatchString(r.URL.Path) {
			return true
		}
	}
	if a.dedicated {
		for _, m := range internalFlowRequest {
			if r.Method == m.method && m.path.MatchString(r.URL.EscapedPath()) {
				return true
			}
		}
	}
	return false
}

// authenticate checks an Authorization header value (all values joined
// with ",", as JAX-RS reads it); reason says why it failed, without any
// part of the credentials.
func (a *basicAuth) authenticate(header string) (ok bool, reason string) {
	creds := a.credentials()
	if len(creds) == 0 {
		return true, ""
	}
	user, password, reason := parseBasicCredentials(header)
	if reason != "" {
		return false, reason
	}
	stored, known := creds[user]
	// Compare digests so that neither the length of the stored password
	// nor whether the user exists shows in the time taken.
	got, want := sha256.Sum256([]byte(password)), sha256.Sum256([]byte(stored))
	if subtle.ConstantTimeCompare(got[:], want[:]) == 1 && known {
		return true, ""
	}
	return false, "unknown user or wrong password"
}

// parseBasicCredentials reads "Basic base64(user:password)" as Java's
// BasicAuthCredentials does: the scheme in any case, the user name before
// the first colon and not empty.
func parseBasicCredentials(header string) (user, password, reason string) {
	if header == "" {
		return "", "", "no credentials"
	}
	scheme, encoded, found := strings.Cut(header, " ")
	if !found || scheme == "" {
		return "", "", "malformed credentials header"
	}
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", "not basic authentication"
	}
	decoded, err := javaBase64Decode(encoded)
	if err != nil {
		return "", "", "credentials are not Base64"
	}
	user, password, found = strings.Cut(string(decoded), ":")
	if !found || user == "" {
		return "", "", "malformed credentials"
	}
	return user, password, ""
}
