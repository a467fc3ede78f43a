package kafkaclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"
)

// clientCert issues a client certificate signed by ca.
func (ca *testCA) clientCert(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "mirror-client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mtlsHandshake runs a TLS server presenting serverCert that requires a
// client certificate signed by clientCA, connects to it with the TLS config
// Parse builds from props (security.protocol=SSL), and returns the
// client's and the server's handshake errors.
func mtlsHandshake(t *testing.T, serverCert tls.Certificate, clientCA *testCA, props map[string]string) (clientErr, serverErr error) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(clientCA.cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	serverDone := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			serverDone <- err
			return
		}
		defer func() { _ = c.Close() }()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		serverDone <- c.(*tls.Conn).Handshake()
	}()
	props["bootstrap.servers"] = ln.Addr().String()
	props["security.protocol"] = "SSL"
	kc, err := Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	cfg := kc.Sarama.Net.TLS.Config.Clone()
	cfg.ServerName = "broker.test" // the name in the server certificates below
	conn, clientErr := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ln.Addr().String(), cfg)
	if clientErr == nil {
		// TLS 1.3 reports a refused client certificate after the
		// handshake: read until the server closes.
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = conn.Read(make([]byte, 1))
		_ = conn.Close()
	}
	return clientErr, <-serverDone
}

// TestPKCS12Stores: a PKCS12 trust store (typed PKCS12, or JKS as Java
// users have it) and a PKCS12 key store for a broker that requires client
// certificates.
func TestPKCS12Stores(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	server := ca.serverCert(t, "broker.test")
	cert, key := ca.clientCert(t)
	trust, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ca.cert}, "trust-pw")
	if err != nil {
		t.Fatal(err)
	}
	store, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca.cert}, "store-pw")
	if err != nil {
		t.Fatal(err)
	}
	trustFile, storeFile := writeFile(t, "trust.p12", trust), writeFile(t, "client.p12", store)
	for _, typ := range []string{"PKCS12", "JKS", ""} {
		props := map[string]string{
			"ssl.truststore.location": trustFile, "ssl.truststore.password": "trust-pw",
			"ssl.keystore.location": storeFile, "ssl.keystore.password": "store-pw",
		}
		if typ != "" {
			props["ssl.truststore.type"], props["ssl.keystore.type"] = typ, typ
		}
		if cErr, sErr := mtlsHandshake(t, server, ca, props); cErr != nil || sErr != nil {
			t.Errorf("type %q: client %v, server %v; want a handshake", typ, cErr, sErr)
		}
	}
	// Without the key store the broker refuses the client.
	props := map[string]string{"ssl.truststore.type": "PKCS12", "ssl.truststore.location": trustFile, "ssl.truststore.password": "trust-pw"}
	if _, sErr := mtlsHandshake(t, server, ca, props); sErr == nil {
		t.Error("no client certificate: the server accepted the handshake")
	}
	// Wrong passwords name the key and not the password.
	for key, props := range map[string]map[string]string{
		"ssl.truststore.location": {"ssl.truststore.location": trustFile, "ssl.truststore.type": "PKCS12", "ssl.truststore.password": "bad-secret"},
		"ssl.keystore.location":   {"ssl.keystore.location": storeFile, "ssl.keystore.type": "PKCS12", "ssl.keystore.password": "bad-secret"},
	} {
		props["bootstrap.servers"], props["security.protocol"] = "a:1", "SSL"
		_, err := Parse(props)
		if err == nil || !strings.Contains(err.Error(), key) || strings.Contains(err.Error(), "bad-secret") {
			t.Errorf("wrong password for %s: error %v", key, err)
		}
	}
}

// TestPEMKeyStores: the client certificate as one PEM file with an
// encrypted PKCS#8 key (ssl.key.password), or inline.
func TestPEMKeyStores(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	server := ca.serverCert(t, "broker.test")
	cert, key := ca.clientCert(t)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	encrypted, err := pkcs8.MarshalPrivateKey(key, []byte("key-pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	encPEM := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: encrypted})
	plainDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	plainPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: plainDER})
	storeFile := writeFile(t, "client.pem", append(append([]byte{}, encPEM...), certPEM...))
	trustFile := writeFile(t, "ca.pem", ca.pem)

	for name, props := range map[string]map[string]string{
		"PEM file, encrypted key": {"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile, "ssl.key.password": "key-pw",
			"ssl.truststore.type": "PEM", "ssl.truststore.location": trustFile},
		"inline PEM": {"ssl.keystore.type": "PEM", "ssl.keystore.key": string(plainPEM), "ssl.keystore.certificate.chain": string(certPEM),
			"ssl.truststore.type": "PEM", "ssl.truststore.certificates": string(ca.pem)},
		"inline PEM, types unset": {"ssl.keystore.key": string(plainPEM), "ssl.keystore.certificate.chain": string(certPEM),
			"ssl.truststore.certificates": string(ca.pem)},
	} {
		if cErr, sErr := mtlsHandshake(t, server, ca, props); cErr != nil || sErr != nil {
			t.Errorf("%s: client %v, server %v; want a handshake", name, cErr, sErr)
		}
	}

	for _, tc := range []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile}, "the key is encrypted; set ssl.key.password"},
		{map[string]string{"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile, "ssl.key.password": "bad-secret"},
			"cannot decrypt the key with ssl.key.password"},
		{map[string]string{"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile, "ssl.key.password": "key-pw",
			"ssl.keystore.password": "x"}, "ssl.keystore.password cannot be specified with PEM format"},
		{map[string]string{"ssl.keystore.type": "JKS", "ssl.keystore.key": string(plainPEM), "ssl.keystore.certificate.chain": string(certPEM)},
			"can be specified only for PEM, but ssl.keystore.type is JKS"},
		{map[string]string{"ssl.keystore.key": string(plainPEM)}, "ssl.keystore.key is specified, but ssl.keystore.certificate.chain is not"},
		{map[string]string{"ssl.truststore.type": "PKCS12", "ssl.truststore.certificates": string(ca.pem)},
			"ssl.truststore.certificates can be specified only for PEM, but ssl.truststore.type is PKCS12"},
		{map[string]string{"ssl.truststore.type": "PKCS12", "ssl.truststore.location": trustFile}, "ssl.truststore.location is a PEM file: set ssl.truststore.type=PEM"},
		{map[string]string{"ssl.truststore.type": "BCFKS", "ssl.truststore.location": trustFile}, "invalid value BCFKS for configuration ssl.truststore.type"},
	} {
		tc.props["bootstrap.servers"], tc.props["security.protocol"] = "a:1", "SSL"
		_, err := Parse(tc.props)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v; want %q", err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), "bad-secret") || strings.Contains(err.Error(), "PRIVATE KEY")) {
			t.Errorf("error shows a secret: %v", err)
		}
	}
}

// TestJKSStoreRefused: a real JKS file gets the command that converts it.
func TestJKSStoreRefused(t *testing.T) {
	jks := writeFile(t, "store.jks", []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2})
	for _, key := range []string{"ssl.truststore", "ssl.keystore"} {
		_, err := Parse(map[string]string{"bootstrap.servers": "a:1", "security.protocol": "SSL",
			key + ".location": jks, key + ".password": "pw"})
		if err == nil || !strings.Contains(err.Error(), key+".location is a JKS key store") ||
			!strings.Contains(err.Error(), "keytool -importkeystore") {
			t.Errorf("%s: error %v", key, err)
		}
	}
}

func TestTLSVersionsAndCipherSuites(t *testing.T) {
	c, err := Parse(map[string]string{"bootstrap.servers": "SSL://a:1", "security.protocol": "ssl",
		"ssl.enabled.protocols": "TLSv1.2", "ssl.cipher.suites": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256"})
	if err != nil {
		t.Fatal(err)
	}
	tc := c.Sarama.Net.TLS.Config
	if !c.Sarama.Net.TLS.Enable || tc.MinVersion != tls.VersionTLS12 || tc.MaxVersion != tls.VersionTLS12 {
		t.Errorf("versions %x..%x, enabled %v", tc.MinVersion, tc.MaxVersion, c.Sarama.Net.TLS.Enable)
	}
	if len(tc.CipherSuites) != 1 || tc.CipherSuites[0] != tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 {
		t.Errorf("cipher suites %v", tc.CipherSuites)
	}
	if strings.Join(c.Brokers, ",") != "a:1" {
		t.Errorf("brokers %v", c.Brokers)
	}
	d, err := Parse(map[string]string{"bootstrap.servers": "a:1", "security.protocol": "SSL"})
	if err != nil {
		t.Fatal(err)
	}
	if tc := d.Sarama.Net.TLS.Config; tc.MinVersion != tls.VersionTLS12 || tc.MaxVersion != tls.VersionTLS13 || tc.RootCAs != nil || tc.InsecureSkipVerify {
		t.Errorf("defaults: versions %x..%x, roots %v, skip verify %v", tc.MinVersion, tc.MaxVersion, tc.RootCAs, tc.InsecureSkipVerify)
	}
}
