package rest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/ferrykafka/ferry/connect/workerconfig"
	"github.com/ferrykafka/ferry/test/testkit"
)

// startServer starts a server on its listeners and stops it at the end of
// the test.
func startServer(t *testing.T, h Herder, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg, h, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

// get sends GET url with client and returns the status and body, or the
// error.
func get(client *http.Client, url string) (int, string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestHTTPSListenerClientAuth(t *testing.T) {
	ca := newTestCA(t, "test CA")
	other := newTestCA(t, "another CA")
	server := ca.issue(t, "worker")
	user := ca.issue(t, "user")
	stranger := other.issue(t, "stranger")

	for _, tc := range []struct {
		clientAuth                    string
		noCert, withCert, wrongIssuer bool // whether each client gets an answer
	}{
		{"none", true, true, true},
		{"requested", true, true, false},
		{"required", false, true, false},
	} {
		t.Run(tc.clientAuth, func(t *testing.T) {
			h := newFakeHerder()
			h.add("c", map[string]string{"name": "c"})
			s := startServer(t, h, Config{Listeners: []string{"https://127.0.0.1:0"}, TLS: ca.serverSettings(t, server, tc.clientAuth)})
			u := s.URLs()[0]
			if !strings.HasPrefix(u, "https://127.0.0.1:") || !strings.HasPrefix(s.AdvertisedURL(), "https://127.0.0.1:") {
				t.Fatalf("URLs %v, advertised %s", s.URLs(), s.AdvertisedURL())
			}
			for _, c := range []struct {
				name string
				leaf *testLeaf
				ok   bool
			}{{"no certificate", nil, tc.noCert}, {"certificate", user, tc.withCert}, {"unknown issuer", stranger, tc.wrongIssuer}} {
				status, body, err := get(ca.client(c.leaf), u+"/connectors")
				if c.ok && (err != nil || status != 200 || body != `["c"]`) {
					t.Errorf("%s: %d %s %v, want 200", c.name, status, body, err)
				}
				if !c.ok && err == nil {
					t.Errorf("%s: answered %d, want a failed handshake", c.name, status)
				}
			}
			// A client that does not trust the CA is refused too.
			if _, _, err := get(other.client(user), u+"/"); err == nil {
				t.Error("a client trusting another CA got an answer")
			}
			// Plain HTTP on the TLS port gets no API answer.
			if status, _, err := get(http.DefaultClient, strings.Replace(u, "https", "http", 1)+"/connectors"); err == nil && status != 400 {
				t.Errorf("plain HTTP on the https listener: %d", status)
			}
		})
	}
}

func TestHTTPAndHTTPSListenersAdvertise(t *testing.T) {
	ca := newTestCA(t, "ca")
	settings := ca.serverSettings(t, ca.issue(t, "w"), "none")
	for _, tc := range []struct {
		listeners  []string
		advertised string
		want       string
	}{
		{[]string{"https://127.0.0.1:0", "http://127.0.0.1:0"}, "", "http://"},
		{[]string{"https://127.0.0.1:0"}, "", "https://"},
		{[]string{"HTTPS://127.0.0.1:0", "http://127.0.0.1:0"}, "HTTPS", "https://"},
	} {
		s, err := New(Config{Listeners: tc.listeners, AdvertisedListener: tc.advertised, TLS: settings}, newFakeHerder(), testkit.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Bind(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Java's determineAdvertisedProtocol, and the port of the
		// listener of that protocol.
		adv := s.AdvertisedURL()
		i := 0
		if tc.want == "http://" {
			i = 1
		}
		wantURL := tc.want + strings.SplitN(s.URLs()[i], "://", 2)[1] + "/"
		if adv != wantURL {
			t.Errorf("%v (advertised listener %q): advertised %s, want %s", tc.listeners, tc.advertised, adv, wantURL)
		}
		_ = s.Stop(context.Background())
	}
}

// handshake serves tc in an httptest server and GETs / through a client
// trusting ca.
func handshake(t *testing.T, ca *testCA, tc *tls.Config) error {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	srv.TLS = tc
	srv.Config.ErrorLog = quietLog
	srv.StartTLS()
	defer srv.Close()
	status, _, err := get(ca.client(nil), strings.Replace(srv.URL, "127.0.0.1", "localhost", 1))
	if err == nil && status != 204 {
		t.Errorf("status %d", status)
	}
	return err
}

func TestKeyStoreFormats(t *testing.T) {
	ca := newTestCA(t, "ca")
	leaf := ca.issue(t, "w")
	pemFile := ca.write(t, "both.pem", append(append([]byte{}, leaf.keyPEM...), leaf.certPEM...))
	p12, err := pkcs12.Modern.Encode(leaf.key, leaf.cert, []*x509.Certificate{ca.cert}, "store-pw")
	if err != nil {
		t.Fatal(err)
	}
	p12File := ca.write(t, "ks.p12", p12)
	trust12, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ca.cert}, "trust-pw")
	if err != nil {
		t.Fatal(err)
	}
	trust12File := ca.write(t, "ts.p12", trust12)
	encDER, err := pkcs8.MarshalPrivateKey(leaf.key, []byte("key-pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	encKey := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: encDER})

	for name, s := range map[string]workerconfig.SSLSettings{
		"PEM key store file": {KeystoreType: "PEM", KeystoreLocation: pemFile},
		"PEM inline":         {KeystoreType: "pem", KeystoreCertificateChain: secret(string(leaf.certPEM)), KeystoreKey: secret(string(leaf.keyPEM))},
		"PEM inline, encrypted key": {KeystoreType: "PEM", KeystoreCertificateChain: secret(string(leaf.certPEM)),
			KeystoreKey: secret(string(encKey)), KeyPassword: secret("key-pw")},
		"Ferry files, encrypted key": {CertificateLocation: ca.write(t, "w.crt", leaf.certPEM),
			KeyLocation: ca.write(t, "w-enc.key", encKey), KeyPassword: secret("key-pw")},
		"PKCS12":                   {KeystoreType: "PKCS12", KeystoreLocation: p12File, KeystorePassword: secret("store-pw")},
		"PKCS12 typed JKS":         {KeystoreType: "JKS", KeystoreLocation: p12File, KeystorePassword: secret("store-pw")},
		"PKCS12 trust store":       {KeystoreType: "PEM", KeystoreLocation: pemFile, TruststoreType: "PKCS12", TruststoreLocation: trust12File, TruststorePassword: secret("trust-pw")},
		"PEM trust store, inline":  {KeystoreType: "PEM", KeystoreLocation: pemFile, TruststoreType: "PEM", TruststoreCertificates: secret(string(ca.pem))},
		"TLS 1.2 only, one suite":  {KeystoreType: "PEM", KeystoreLocation: pemFile, EnabledProtocols: []string{"TLSv1.2"}, CipherSuites: []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}},
		"TLS 1.3, Java suite name": {KeystoreType: "PEM", KeystoreLocation: pemFile, EnabledProtocols: []string{"TLSv1.3"}, CipherSuites: []string{"TLS_AES_128_GCM_SHA256"}},
	} {
		tc, err := serverTLSConfig(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := tc.Certificates[0].Leaf; got == nil || !got.Equal(leaf.cert) {
			t.Errorf("%s: served certificate %v", name, got)
		}
		if len(tc.Certificates[0].Certificate) != 2 {
			t.Errorf("%s: chain of %d certificates, want leaf and CA", name, len(tc.Certificates[0].Certificate))
		}
		if err := handshake(t, ca, tc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if s.TruststoreLocation != "" || s.TruststoreCertificates.Value() != "" {
			if tc.ClientCAs == nil || !tc.ClientCAs.Equal(poolOf(ca.cert)) {
				t.Errorf("%s: trust store not loaded", name)
			}
		}
	}
}

// quietLog drops an httptest server's log of refused handshakes.
var quietLog = log.New(io.Discard, "", 0)

func poolOf(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// TestKeytoolPKCS12 reads a key store made by Java's keytool (PBES2 and
// HmacPBESHA256 since Java 12), when a JDK is installed.
func TestKeytoolPKCS12(t *testing.T) {
	keytool, err := exec.LookPath("keytool")
	if err != nil {
		t.Skip("keytool not installed")
	}
	dir := t.TempDir()
	ks := filepath.Join(dir, "worker.p12")
	out, err := exec.Command(keytool, "-genkeypair", "-alias", "worker", "-keyalg", "EC", "-groupname", "secp256r1",
		"-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
		"-storetype", "PKCS12", "-keystore", ks, "-storepass", "changeit", "-keypass", "changeit").CombinedOutput()
	if err != nil {
		t.Fatalf("keytool: %v\n%s", err, out)
	}
	tc, err := serverTLSConfig(workerconfig.SSLSettings{KeystoreType: "PKCS12", KeystoreLocation: ks, KeystorePassword: secret("changeit")})
	if err != nil {
		t.Fatal(err)
	}
	if cn := tc.Certificates[0].Leaf.Subject.CommonName; cn != "localhost" {
		t.Errorf("CN = %q", cn)
	}
	_, err = serverTLSConfig(workerconfig.SSLSettings{KeystoreType: "PKCS12", KeystoreLocation: ks, KeystorePassword: secret("wrong")})
	if err == nil || strings.Contains(err.Error(), "wrong") || !strings.HasPrefix(err.Error(), "ssl.keystore.location: reading the PKCS12 key store") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestKeyStoreErrors(t *testing.T) {
	ca := newTestCA(t, "ca")
	leaf := ca.issue(t, "w")
	otherKey := ca.issue(t, "x").keyPEM
	jks := ca.write(t, "ks.jks", []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2})
	pemFile := ca.write(t, "both.pem", append(append([]byte{}, leaf.keyPEM...), leaf.certPEM...))
	legacy := ca.write(t, "legacy.key", []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	encDER, _ := pkcs8.MarshalPrivateKey(leaf.key, []byte("key-pw"), nil)
	enc := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: encDER})
	pre := "listeners.https."
	for _, tc := range []struct {
		name string
		s    workerconfig.SSLSettings
		want string
	}{
		{"JKS", workerconfig.SSLSettings{Prefix: pre, KeystoreType: "JKS", KeystoreLocation: jks},
			"listeners.https.ssl.keystore.location is a JKS key store, which Ferry cannot read: convert it to PKCS12"},
		{"PEM typed JKS", workerconfig.SSLSettings{KeystoreType: "JKS", KeystoreLocation: pemFile},
			"ssl.keystore.location is a PEM file: set ssl.keystore.type=PEM"},
		{"unknown type", workerconfig.SSLSettings{KeystoreType: "BKS", KeystoreLocation: pemFile},
			`ssl.keystore.type "BKS" is not supported: use PEM, PKCS12 or JKS (PKCS12 files only)`},
		{"missing file", workerconfig.SSLSettings{Prefix: pre, KeystoreType: "PEM", KeystoreLocation: "/nonexistent.pem"},
			"listeners.https.ssl.keystore.location: open /nonexistent.pem: no such file or directory"},
		{"two sources", workerconfig.SSLSettings{KeystoreType: "PEM", KeystoreLocation: pemFile, CertificateLocation: pemFile, KeyLocation: pemFile},
			"set only one of ssl.certificate.location and ssl.key.location, ssl.keystore.location, or ssl.keystore.certificate.chain and ssl.keystore.key"},
		{"key without certificate file", workerconfig.SSLSettings{KeyLocation: pemFile},
			"ssl.certificate.location and ssl.key.location must be set together"},
		{"inline with JKS", workerconfig.SSLSettings{KeystoreType: "JKS", KeystoreKey: secret(string(leaf.keyPEM)), KeystoreCertificateChain: secret(string(leaf.certPEM))},
			"ssl.keystore.key can be specified only for PEM, but ssl.keystore.type is JKS"},
		{"inline without chain", workerconfig.SSLSettings{KeystoreType: "PEM", KeystoreKey: secret(string(leaf.keyPEM))},
			"ssl.keystore.key is specified, but ssl.keystore.certificate.chain is not"},
		{"PEM store password", workerconfig.SSLSettings{KeystoreType: "PEM", KeystoreLocation: pemFile, KeystorePassword: secret("pw")},
			"ssl.keystore.password cannot be specified with PEM format, only ssl.key.password may be specified"},
		{"legacy encrypted key", workerconfig.SSLSettings{CertificateLocation: pemFile, KeyLocation: legacy},
			"ssl.key.location: keys encrypted in the legacy OpenSSL format are not supported"},
		{"encrypted key without password", workerconfig.SSLSettings{CertificateLocation: pemFile, KeyLocation: ca.write(t, "enc.key", enc)},
			"ssl.key.location: the key is encrypted; set ssl.key.password"},
		{"encrypted key, wrong password", workerconfig.SSLSettings{CertificateLocation: pemFile, KeyLocation: ca.write(t, "enc2.key", enc), KeyPassword: secret("nope-pw")},
			"ssl.key.location: cannot decrypt the key with ssl.key.password"},
		{"key of another certificate", workerconfig.SSLSettings{CertificateLocation: pemFile, KeyLocation: ca.write(t, "x.key", otherKey)},
			"ssl.key.location: the private key does not match the certificate of ssl.certificate.location"},
		{"bad protocol", workerconfig.SSLSettings{Prefix: pre, KeystoreType: "PEM", KeystoreLocation: pemFile, EnabledProtocols: []string{"SSLv3"}},
			`listeners.https.ssl.enabled.protocols: unsupported protocol "SSLv3"`},
		{"bad cipher suite", workerconfig.SSLSettings{KeystoreType: "PEM", KeystoreLocation: pemFile, CipherSuites: []string{"TLS_NULL_WITH_NULL_NULL"}},
			`ssl.cipher.suites: unsupported cipher suite "TLS_NULL_WITH_NULL_NULL"`},
		{"PEM trust store without certificates", workerconfig.SSLSettings{KeystoreType: "PEM", KeystoreLocation: pemFile, TruststoreType: "PEM", TruststoreCertificates: secret("junk")},
			"ssl.truststore.certificates: no PEM certificate found"},
		{"JKS trust store", workerconfig.SSLSettings{KeystoreType: "PEM", KeystoreLocation: pemFile, TruststoreType: "JKS", TruststoreLocation: jks},
			"ssl.truststore.location is a JKS key store, which Ferry cannot read"},
	} {
		_, err := serverTLSConfig(tc.s)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q...", tc.name, err, tc.want)
			continue
		}
		for _, pw := range []string{"key-pw", "nope-pw", "pw"} {
			if strings.Contains(err.Error(), pw) {
				t.Errorf("%s: error shows a password: %v", tc.name, err)
			}
		}
	}
}

func TestClientEndpointIdentification(t *testing.T) {
	ca := newTestCA(t, "ca")
	// The worker's certificate does not name the address it is reached at.
	named := ca.issue(t, "elsewhere", "worker.example")
	stc, err := serverTLSConfig(ca.serverSettings(t, named, "none"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	srv.TLS = stc
	srv.Config.ErrorLog = quietLog // the refused handshakes
	srv.StartTLS()
	t.Cleanup(srv.Close)

	trusting := workerconfig.SSLSettings{TruststoreType: "PEM", TruststoreLocation: ca.write(t, "ca.pem", ca.pem)}
	for _, tc := range []struct {
		name string
		s    workerconfig.SSLSettings
		ok   bool
	}{
		{"host name checked", withEndpointID(trusting, "https"), false},
		{"host name not checked", withEndpointID(trusting, ""), true},
		{"host name not checked, CA not trusted", withEndpointID(workerconfig.SSLSettings{}, ""), false},
	} {
		ctc, err := clientTLSConfig(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		f := newForwarder(testkit.Logger(t), ctc, nil)
		status, _, err := get(f.client, srv.URL)
		if tc.ok && (err != nil || status != 204) {
			t.Errorf("%s: %d %v", tc.name, status, err)
		}
		if !tc.ok && err == nil {
			t.Errorf("%s: answered %d, want a verification failure", tc.name, status)
		}
	}
}

func withEndpointID(s workerconfig.SSLSettings, alg string) workerconfig.SSLSettings {
	s.EndpointIdentificationAlgorithm = alg
	return s
}
