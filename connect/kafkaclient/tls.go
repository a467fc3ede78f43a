package kafkaclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/connect/tlsstore"
)

// TLS for security.protocol SSL and SASL_SSL, from Java's client ssl.* keys
// (Kafka's DefaultSslEngineFactory):
//
//   - trust: ssl.truststore.certificates (inline PEM) or
//     ssl.truststore.location, a PEM or PKCS12 file (ssl.truststore.type
//     PEM, PKCS12, or JKS naming a file that is PKCS12, which Java reads
//     too; ssl.truststore.password opens PKCS12). None: the system's roots,
//     as the JVM's cacerts for Java.
//   - client certificate (brokers with ssl.client.auth): ssl.keystore.key
//     and ssl.keystore.certificate.chain (inline PEM), or
//     ssl.keystore.location, a PEM file with the key and the chain or a
//     PKCS12 file (ssl.keystore.password). ssl.key.password decrypts an
//     encrypted PKCS#8 PEM key.
//   - real JKS files are refused with the keytool command that converts
//     them to PKCS12. A PEM file is read as PEM when its type is not set.
//   - ssl.enabled.protocols (the lowest to the highest version named),
//     ssl.cipher.suites (IANA names; TLS 1.3's suites are Go's own), and
//     ssl.endpoint.identification.algorithm: https checks the broker's host
//     name, "" checks the certificate chain only.
//
// The store files and inline PEM are read by connect/tlsstore, which the
// REST listeners share; the rules above are this package's. Errors name
// the key and never hold a password, a key or a certificate.

// Java's SslConfigs defaults.
const (
	defaultStoreType        = "JKS"
	defaultEnabledProtocols = "TLSv1.2,TLSv1.3"
)

func tlsConfig(props map[string]string) (*tls.Config, error) {
	tc := &tls.Config{}
	protocols := defaultEnabledProtocols
	if v, ok := props["ssl.enabled.protocols"]; ok {
		protocols = v
	}
	var err error
	if tc.MinVersion, tc.MaxVersion, err = tlsVersions(splitList(protocols)); err != nil {
		return nil, fmt.Errorf("invalid value %s for configuration ssl.enabled.protocols: %w", protocols, err)
	}
	if v := strings.TrimSpace(props["ssl.cipher.suites"]); v != "" {
		if tc.CipherSuites, err = cipherSuites(splitList(v)); err != nil {
			return nil, fmt.Errorf("configuration ssl.cipher.suites: %w", err)
		}
	}
	if tc.RootCAs, err = trustPool(props); err != nil {
		return nil, err
	}
	cert, err := keyPair(props)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		tc.Certificates = []tls.Certificate{*cert}
	}
	switch alg := strings.TrimSpace(props["ssl.endpoint.identification.algorithm"]); {
	case strings.EqualFold(alg, "https"):
	case alg == "":
		if _, set := props["ssl.endpoint.identification.algorithm"]; set {
			// Java checks the chain but not the host name then.
			roots := tc.RootCAs
			tc.InsecureSkipVerify = true // host name only; VerifyConnection checks the chain
			tc.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChainOnly(cs, roots) }
		}
	default:
		return nil, fmt.Errorf("invalid value %s for configuration ssl.endpoint.identification.algorithm: Ferry supports https, or empty to skip the host name check", alg)
	}
	return tc, nil
}

// splitList splits a Java LIST value.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// tlsVersions maps Java's protocol names to the lowest and highest TLS
// versions among them (Go enables a range, not a set).
func tlsVersions(names []string) (lo, hi uint16, err error) {
	versions := map[string]uint16{"TLSV1": tls.VersionTLS10, "TLSV1.1": tls.VersionTLS11,
		"TLSV1.2": tls.VersionTLS12, "TLSV1.3": tls.VersionTLS13}
	for _, n := range names {
		v, ok := versions[strings.ToUpper(n)]
		if !ok {
			return 0, 0, fmt.Errorf("unsupported protocol %q (Ferry supports TLSv1, TLSv1.1, TLSv1.2 and TLSv1.3)", n)
		}
		if lo == 0 || v < lo {
			lo = v
		}
		hi = max(hi, v)
	}
	if lo == 0 {
		return 0, 0, errors.New("no protocol enabled")
	}
	return lo, hi, nil
}

// cipherSuites maps IANA cipher suite names (Java's and Go's agree) to Go's
// ids. TLS 1.3's suites are accepted and left to Go, which always enables
// them.
func cipherSuites(names []string) ([]uint16, error) {
	byName := map[string]uint16{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		byName[cs.Name] = cs.ID
	}
	var ids []uint16
	for _, n := range names {
		switch n {
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

// verifyChainOnly checks a broker's certificate chain against roots (nil:
// the system's) without checking its host name.
func verifyChainOnly(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the broker sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter}); err != nil {
		return fmt.Errorf("broker certificate: %w", err)
	}
	return nil
}

// storeType is the declared type of a key or trust store: its value, or
// Java's default JKS when unset.
func storeType(props map[string]string, key string) string {
	if t := strings.ToUpper(strings.TrimSpace(props[key])); t != "" {
		return t
	}
	return defaultStoreType
}

// trustPool returns the trusted certificates, or nil (the system's roots)
// when none are configured.
func trustPool(props map[string]string) (*x509.CertPool, error) {
	inline, loc := props["ssl.truststore.certificates"], strings.TrimSpace(props["ssl.truststore.location"])
	_, typeSet := props["ssl.truststore.type"]
	typ := storeType(props, "ssl.truststore.type")
	password := props["ssl.truststore.password"]
	switch {
	case inline != "" && loc != "":
		return nil, errors.New("set only one of ssl.truststore.certificates and ssl.truststore.location")
	case inline != "":
		// Java wants ssl.truststore.type=PEM; inline certificates can be
		// nothing else, so an unset type is taken as PEM.
		if typeSet && typ != "PEM" {
			return nil, fmt.Errorf("ssl.truststore.certificates can be specified only for PEM, but ssl.truststore.type is %s", typ)
		}
		if password != "" {
			return nil, errors.New("ssl.truststore.password cannot be specified with PEM certificates")
		}
		return tlsstore.PEMPool([]byte(inline), "ssl.truststore.certificates")
	case loc != "":
		data, err := tlsstore.ReadFile("configuration ssl.truststore.location", loc)
		if err != nil {
			return nil, err
		}
		format, err := storeFormat(typ, typeSet, data, "ssl.truststore.type", "ssl.truststore.location")
		if err != nil {
			return nil, err
		}
		if format == tlsstore.PEM {
			if password != "" {
				return nil, errors.New("ssl.truststore.password cannot be specified with a PEM trust store")
			}
			return tlsstore.PEMPool(data, "ssl.truststore.location")
		}
		pool, err := tlsstore.PKCS12Pool(data, password, "ssl.truststore.location", "ssl.truststore.password")
		if err == nil && pool == nil {
			err = errors.New("ssl.truststore.location: the PKCS12 trust store holds no trusted certificate")
		}
		return pool, err
	}
	return nil, nil
}

// keyPair returns the client certificate and key, or nil when none is
// configured.
func keyPair(props map[string]string) (*tls.Certificate, error) {
	inlineKey, inlineChain := props["ssl.keystore.key"], props["ssl.keystore.certificate.chain"]
	loc := strings.TrimSpace(props["ssl.keystore.location"])
	_, typeSet := props["ssl.keystore.type"]
	typ := storeType(props, "ssl.keystore.type")
	storePassword, keyPassword := props["ssl.keystore.password"], props["ssl.key.password"]
	switch {
	case (inlineKey != "" || inlineChain != "") && loc != "":
		return nil, errors.New("set either ssl.keystore.location or ssl.keystore.key and ssl.keystore.certificate.chain, not both")
	case inlineKey != "" || inlineChain != "":
		switch {
		case typeSet && typ != "PEM":
			return nil, fmt.Errorf("ssl.keystore.key and ssl.keystore.certificate.chain can be specified only for PEM, but ssl.keystore.type is %s", typ)
		case inlineKey == "":
			return nil, errors.New("ssl.keystore.certificate.chain is specified, but ssl.keystore.key is not")
		case inlineChain == "":
			return nil, errors.New("ssl.keystore.key is specified, but ssl.keystore.certificate.chain is not")
		case storePassword != "":
			return nil, errors.New("ssl.keystore.password cannot be specified with PEM format, only ssl.key.password may be specified")
		}
		return tlsstore.PEMKeyPair([]byte(inlineChain), []byte(inlineKey), keyPassword, "ssl.keystore.certificate.chain", "ssl.keystore.key")
	case loc != "":
		data, err := tlsstore.ReadFile("configuration ssl.keystore.location", loc)
		if err != nil {
			return nil, err
		}
		format, err := storeFormat(typ, typeSet, data, "ssl.keystore.type", "ssl.keystore.location")
		if err != nil {
			return nil, err
		}
		return tlsstore.KeyStoreFile(format, data, storePassword, keyPassword, tlsstore.KeyStoreKeys{
			Location: "ssl.keystore.location", Password: "ssl.keystore.password", KeyPassword: "ssl.key.password"})
	}
	return nil, nil
}

// storeFormat decides how to read a key or trust store file declared as
// typ: PEM, PKCS12, or JKS (tlsstore.Format says how each is read). With
// the type unset (Java's default, JKS), a PEM file is read as PEM.
func storeFormat(typ string, typeSet bool, data []byte, typeKey, locationKey string) (string, error) {
	switch {
	case !typeSet && tlsstore.LooksLikePEM(data):
		return tlsstore.PEM, nil
	case typ == "PEM" || typ == "PKCS12" || typ == "JKS":
		return tlsstore.Format(typ, data, typeKey, locationKey)
	}
	return "", fmt.Errorf("invalid value %s for configuration %s: Ferry reads PEM and PKCS12 stores (and JKS-typed files that are PKCS12)", typ, typeKey)
}
