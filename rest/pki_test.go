package rest

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
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// testCA is a certificate authority made for one test: nothing is
// committed, every key is generated at test time.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
	dir  string
}

// testLeaf is a certificate issued by a testCA, with its key.
type testLeaf struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte // the leaf then the CA
	keyPEM  []byte // PKCS#8
}

var serial atomic.Int64

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), dir: t.TempDir()}
}

// issue makes a certificate for cn, valid for 127.0.0.1 and localhost
// unless hosts says otherwise, usable by servers and clients (a worker's
// certificate is both, as in Java Connect).
func (ca *testCA) issue(t *testing.T, cn string, hosts ...string) *testLeaf {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if hosts == nil {
		hosts = []string{"127.0.0.1", "localhost"}
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), ca.pem...)
	return &testLeaf{cert: cert, key: key, certPEM: chain, keyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})}
}

// write writes data to a file of the CA's directory and returns its path.
func (ca *testCA) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(ca.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// serverSettings are TLS settings with Ferry's PEM files for leaf and the
// CA as trust store.
func (ca *testCA) serverSettings(t *testing.T, leaf *testLeaf, clientAuth string) workerconfig.SSLSettings {
	t.Helper()
	return workerconfig.SSLSettings{
		CertificateLocation: ca.write(t, leaf.cert.Subject.CommonName+".crt", leaf.certPEM),
		KeyLocation:         ca.write(t, leaf.cert.Subject.CommonName+".key", leaf.keyPEM),
		TruststoreType:      "PEM",
		TruststoreLocation:  ca.write(t, "ca.pem", ca.pem),
		ClientAuth:          clientAuth,
		KeystoreType:        workerconfig.DefaultSSLStoreType,
	}
}

// client is an https client trusting the CA, presenting leaf when not nil.
func (ca *testCA) client(leaf *testLeaf) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	tc := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if leaf != nil {
		// Always present the certificate, even when the server asks for
		// another issuer, so that the server's verification is tested.
		cert := &tls.Certificate{Certificate: [][]byte{leaf.cert.Raw}, PrivateKey: leaf.key, Leaf: leaf.cert}
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	tr := &http.Transport{TLSClientConfig: tc}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// secret wraps a test password.
func secret(s string) connect.Password { return connect.NewPassword(s) }
