package rest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/connect/tlsstore"
	"github.com/ferrykafka/ferry/connect/workerconfig"
)

// TLS for https listeners and for the client workers call each other with,
// from Connect's ssl.* settings (see docs/security.md):
//
//   - the certificate and key: Ferry's ssl.certificate.location and
//     ssl.key.location PEM files; or ssl.keystore.type=PEM with
//     ssl.keystore.location (one PEM file with the key and the chain) or
//     ssl.keystore.certificate.chain and ssl.keystore.key inline; or a
//     PKCS12 key store (ssl.keystore.type=PKCS12, or JKS naming a file
//     that is PKCS12, which Java reads too). ssl.key.password decrypts an
//     encrypted PKCS#8 PEM key; ssl.keystore.password opens a PKCS12 file.
//     JKS files are refused with how to convert them.
//   - trusted certificates: ssl.truststore.certificates or a PEM, PKCS12
//     (or JKS-typed PKCS12) ssl.truststore.location; none means the
//     system's roots, as the JVM's cacerts for Java.
//   - ssl.client.auth (none, requested, required), ssl.enabled.protocols
//     (the lowest to the highest version named), ssl.cipher.suites (IANA
//     names, TLS 1.2 and older; Go picks TLS 1.3's suites itself) and, for
//     the client, ssl.endpoint.identification.algorithm ("" keeps checking
//     the chain but not the host name).
//
// The files and inline PEM are read by connect/tlsstore, which the Kafka
// clients share; the rules above are this package's. Errors name the key
// as it was written (with its listeners.https. or admin.listeners.https.
// prefix) and never a password or key.

// serverTLSConfig is the configuration of an https listener.
func serverTLSConfig(s workerconfig.SSLSettings) (*tls.Config, error) {
	cert, err := loadKeyPair(s)
	if err != nil {
		return nil, err
	}
	if cert == nil {
		return nil, fmt.Errorf("no certificate for the https listener: set %s and %s, or %s (or %s and %s with %s=PEM)",
			s.Key(workerconfig.SSLCertificateLocation), s.Key(workerconfig.SSLKeyLocation),
			s.Key(workerconfig.SSLKeystoreLocation), s.Key(workerconfig.SSLKeystoreCertificateChain),
			s.Key(workerconfig.SSLKeystoreKey), s.Key(workerconfig.SSLKeystoreType))
	}
	tc, err := baseTLSConfig(s)
	if err != nil {
		return nil, err
	}
	tc.Certificates = []tls.Certificate{*cert}
	pool, err := loadTrustPool(s)
	if err != nil {
		return nil, err
	}
	tc.ClientCAs = pool // nil: the system's roots
	switch s.ClientAuth {
	case "required":
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	case "requested":
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	default:
		tc.ClientAuth = tls.NoClientCert
	}
	return tc, nil
}

// clientTLSConfig is the configuration of the client that forwards
// requests and sends internal requests to other workers over https
// (Java's RestClient with SSLUtils.createClientSideSslContextFactory):
// it trusts the trust store and presents the key store's certificate when
// the other worker asks for one.
func clientTLSConfig(s workerconfig.SSLSettings) (*tls.Config, error) {
	tc, err := baseTLSConfig(s)
	if err != nil {
		return nil, err
	}
	cert, err := loadKeyPair(s)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		tc.Certificates = []tls.Certificate{*cert}
	}
	pool, err := loadTrustPool(s)
	if err != nil {
		return nil, err
	}
	tc.RootCAs = pool
	if strings.TrimSpace(s.EndpointIdentificationAlgorithm) == "" {
		// Check the chain but not the host name, as Java does without
		// an endpoint identification algorithm.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChain(cs, pool) }
	}
	return tc, nil
}

// verifyChain checks a server's certificate chain against roots (nil: the
// system's) without checking its host name.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	return err
}

// baseTLSConfig holds what servers and clients share: versions and cipher
// suites.
func baseTLSConfig(s workerconfig.SSLSettings) (*tls.Config, error) {
	tc := &tls.Config{}
	protocols := s.EnabledProtocols
	if protocols == nil {
		protocols = strings.Split(workerconfig.DefaultSSLEnabledProtocols, ",")
	}
	lo, hi, err := tlsVersions(protocols)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Key(workerconfig.SSLEnabledProtocols), err)
	}
	tc.MinVersion, tc.MaxVersion = lo, hi
	if s.CipherSuites != nil {
		ids, err := cipherSuites(s.CipherSuites)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Key(workerconfig.SSLCipherSuites), err)
		}
		tc.CipherSuites = ids
	}
	return tc, nil
}

// tlsVersions maps Java's protocol names to the lowest and highest TLS
// versions among them (Go enables a range, not a set).
func tlsVersions(names []string) (lo, hi uint16, err error) {
	versions := map[string]uint16{"TLSV1": tls.VersionTLS10, "TLSV1.1": tls.VersionTLS11,
		"TLSV1.2": tls.VersionTLS12, "TLSV1.3": tls.VersionTLS13}
	for _, n := range names {
		v, ok := versions[strings.ToUpper(strings.TrimSpace(n))]
		if !ok {
			return 0, 0, fmt.Errorf("unsupported protocol %q (supported: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)", n)
		}
		if lo == 0 || v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if lo == 0 {
		return 0, 0, errors.New("no protocol enabled")
	}
	return lo, hi, nil
}

// cipherSuites maps IANA cipher suite names (Java's and Go's names agree)
// to Go's ids. TLS 1.3 suites are accepted and left to Go.
func cipherSuites(names []string) ([]uint16, error) {
	byName := map[string]uint16{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		byName[cs.Name] = cs.ID
	}
	var ids []uint16
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch n {
		case "":
			continue
		case "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256":
			continue
		}
		id, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("unsupported cipher suite %q", n)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// loadKeyPair returns the configured certificate and key, or nil when
// none is configured.
func loadKeyPair(s workerconfig.SSLSettings) (*tls.Certificate, error) {
	k := s.Key
	ferryFiles := s.CertificateLocation != "" || s.KeyLocation != ""
	inline := s.KeystoreKey.Value() != "" || s.KeystoreCertificateChain.Value() != ""
	store := s.KeystoreLocation != ""
	sources := 0
	for _, set := range []bool{ferryFiles, inline, store} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return nil, fmt.Errorf("set only one of %s and %s, %s, or %s and %s",
			k(workerconfig.SSLCertificateLocation), k(workerconfig.SSLKeyLocation), k(workerconfig.SSLKeystoreLocation),
			k(workerconfig.SSLKeystoreCertificateChain), k(workerconfig.SSLKeystoreKey))
	}
	switch {
	case ferryFiles:
		if s.CertificateLocation == "" || s.KeyLocation == "" {
			return nil, fmt.Errorf("%s and %s must be set together", k(workerconfig.SSLCertificateLocation), k(workerconfig.SSLKeyLocation))
		}
		chain, err := tlsstore.ReadFile(k(workerconfig.SSLCertificateLocation), s.CertificateLocation)
		if err != nil {
			return nil, err
		}
		key, err := tlsstore.ReadFile(k(workerconfig.SSLKeyLocation), s.KeyLocation)
		if err != nil {
			return nil, err
		}
		return tlsstore.PEMKeyPair(chain, key, s.KeyPassword.Value(), k(workerconfig.SSLCertificateLocation), k(workerconfig.SSLKeyLocation))
	case inline:
		// Kafka's DefaultSslEngineFactory rules for PEM key stores.
		switch {
		case !strings.EqualFold(s.KeystoreType, "PEM"):
			return nil, fmt.Errorf("%s can be specified only for PEM, but %s is %s", k(workerconfig.SSLKeystoreKey),
				k(workerconfig.SSLKeystoreType), s.KeystoreType)
		case s.KeystoreKey.Value() == "":
			return nil, fmt.Errorf("%s is specified, but %s is not", k(workerconfig.SSLKeystoreCertificateChain), k(workerconfig.SSLKeystoreKey))
		case s.KeystoreCertificateChain.Value() == "":
			return nil, fmt.Errorf("%s is specified, but %s is not", k(workerconfig.SSLKeystoreKey), k(workerconfig.SSLKeystoreCertificateChain))
		case s.KeystorePassword.Value() != "":
			return nil, fmt.Errorf("%s cannot be specified with PEM format, only %s may be specified",
				k(workerconfig.SSLKeystorePassword), k(workerconfig.SSLKeyPassword))
		}
		return tlsstore.PEMKeyPair([]byte(s.KeystoreCertificateChain.Value()), []byte(s.KeystoreKey.Value()), s.KeyPassword.Value(),
			k(workerconfig.SSLKeystoreCertificateChain), k(workerconfig.SSLKeystoreKey))
	case store:
		name := k(workerconfig.SSLKeystoreLocation)
		data, err := tlsstore.ReadFile(name, s.KeystoreLocation)
		if err != nil {
			return nil, err
		}
		format, err := storeFormat(s.KeystoreType, data, k(workerconfig.SSLKeystoreType), name)
		if err != nil {
			return nil, err
		}
		return tlsstore.KeyStoreFile(format, data, s.KeystorePassword.Value(), s.KeyPassword.Value(), tlsstore.KeyStoreKeys{
			Location: name, Password: k(workerconfig.SSLKeystorePassword), KeyPassword: k(workerconfig.SSLKeyPassword)})
	}
	return nil, nil
}

// storeFormat decides how to read a key or trust store file declared as
// typ: PEM, JKS or unset (Java's default type, JKS) as tlsstore.Format
// says, and PKCS12 always as PKCS12.
func storeFormat(typ string, data []byte, typeKey, locationKey string) (string, error) {
	switch t := strings.ToUpper(strings.TrimSpace(typ)); t {
	case "PEM", "JKS", "":
		return tlsstore.Format(t, data, typeKey, locationKey)
	case "PKCS12":
		return tlsstore.PKCS12, nil
	}
	return "", fmt.Errorf("%s %q is not supported: use PEM, PKCS12 or JKS (PKCS12 files only)", typeKey, typ)
}

// loadTrustPool returns the trusted certificates, or nil (the system's
// roots) when none are configured.
func loadTrustPool(s workerconfig.SSLSettings) (*x509.CertPool, error) {
	k := s.Key
	inline := s.TruststoreCertificates.Value()
	switch {
	case inline != "" && s.TruststoreLocation != "":
		return nil, fmt.Errorf("set only one of %s and %s", k(workerconfig.SSLTruststoreCertificates), k(workerconfig.SSLTruststoreLocation))
	case inline != "":
		if !strings.EqualFold(s.TruststoreType, "PEM") {
			return nil, fmt.Errorf("%s can be specified only for PEM, but %s is %s", k(workerconfig.SSLTruststoreCertificates),
				k(workerconfig.SSLTruststoreType), s.TruststoreType)
		}
		return tlsstore.PEMPool([]byte(inline), k(workerconfig.SSLTruststoreCertificates))
	case s.TruststoreLocation != "":
		name := k(workerconfig.SSLTruststoreLocation)
		data, err := tlsstore.ReadFile(name, s.TruststoreLocation)
		if err != nil {
			return nil, err
		}
		format, err := storeFormat(s.TruststoreType, data, k(workerconfig.SSLTruststoreType), name)
		if err != nil {
			return nil, err
		}
		if format == tlsstore.PEM {
			return tlsstore.PEMPool(data, name)
		}
		pool, err := tlsstore.PKCS12Pool(data, s.TruststorePassword.Value(), name, k(workerconfig.SSLTruststorePassword))
		if err == nil && pool == nil {
			err = fmt.Errorf("%s: no trusted certificate found", name)
		}
		return pool, err
	}
	return nil, nil
}
