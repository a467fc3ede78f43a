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
	"testing"
	"time"
)

// testCA is a throw-away CA that signs a server certificate for a host name
// that is not the one the client dials.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func (ca *testCA) serverCert(t *testing.T, host string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// handshake dials a TLS server presenting cert with the client TLS config
// Parse builds from props, and returns the handshake's error.
func handshake(t *testing.T, cert tls.Certificate, props map[string]string) error {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			_ = c.Close()
		}
	}()
	props["bootstrap.servers"] = ln.Addr().String()
	props["security.protocol"] = "SSL"
	kc, err := Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	cfg := kc.Sarama.Net.TLS.Config.Clone()
	cfg.ServerName = "127.0.0.1"
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ln.Addr().String(), cfg)
	if err == nil {
		_ = conn.Close()
	}
	return err
}

// With ssl.endpoint.identification.algorithm="" Java skips the host name
// check only: a broker certificate from an untrusted CA is still refused.
func TestEmptyEndpointIdentificationStillVerifiesTheChain(t *testing.T) {
	t.Parallel()
	trusted, untrusted := newTestCA(t), newTestCA(t)
	dir := t.TempDir()
	trustFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(trustFile, trusted.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	props := func(alg *string) map[string]string {
		p := map[string]string{"ssl.truststore.type": "PEM", "ssl.truststore.location": trustFile}
		if alg != nil {
			p["ssl.endpoint.identification.algorithm"] = *alg
		}
		return p
	}
	empty := ""
	otherHost := trusted.serverCert(t, "broker.example")
	if err := handshake(t, otherHost, props(&empty)); err != nil {
		t.Errorf("trusted chain, other host name, no identification: %v; want success", err)
	}
	if err := handshake(t, otherHost, props(nil)); err == nil {
		t.Error("trusted chain, other host name, default identification: want a host name error")
	}
	if err := handshake(t, untrusted.serverCert(t, "127.0.0.1"), props(&empty)); err == nil {
		t.Error("untrusted chain with no identification: want a certificate error")
	}
}
