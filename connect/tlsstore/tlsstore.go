package tlsstore

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"
)

// The formats Format decides on.
const (
	PEM    = "PEM"
	PKCS12 = "PKCS12"
)

// ReadFile reads the file at path, which the setting named label gives;
// an error starts with label.
func ReadFile(label, path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return data, nil
}

// LooksLikePEM tells whether data holds a PEM block.
func LooksLikePEM(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN "))
}

// Format decides how to read a store file declared as typ (typeKey names
// the type setting, locationKey the file's). PEM requires a PEM file. Any
// other type (PKCS12, or JKS, Java's default, which Java like keytool since
// Java 9 also uses for files that are in fact PKCS12) reads the file as
// PKCS12, refusing a real JKS file with how to convert it and a PEM file
// with the type to set. Callers check first that typ is one they accept.
func Format(typ string, data []byte, typeKey, locationKey string) (string, error) {
	isPEM := LooksLikePEM(data)
	if strings.EqualFold(strings.TrimSpace(typ), PEM) {
		if !isPEM {
			return "", fmt.Errorf("%s: not a PEM file, but %s is PEM", locationKey, typeKey)
		}
		return PEM, nil
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xfe, 0xed, 0xfe, 0xed}): // JKS's magic number
		return "", fmt.Errorf("%s is a JKS key store, which Ferry cannot read: convert it to PKCS12 "+
			"(keytool -importkeystore -srckeystore FILE.jks -destkeystore FILE.p12 -deststoretype PKCS12) "+
			"and set %s=PKCS12, or to PEM files", locationKey, typeKey)
	case isPEM:
		return "", fmt.Errorf("%s is a PEM file: set %s=PEM", locationKey, typeKey)
	}
	return PKCS12, nil
}

// PEMPool returns the certificates of PEM data, which the setting named
// key holds.
func PEMPool(data []byte, key string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: no PEM certificate found", key)
	}
	return pool, nil
}

// PKCS12Pool returns the trusted certificates of a PKCS12 trust store
// (locationKey names the file, passwordKey the password that opens it),
// or nil when it holds none: callers say so in their own words.
func PKCS12Pool(data []byte, password, locationKey, passwordKey string) (*x509.CertPool, error) {
	certs, err := pkcs12.DecodeTrustStore(data, password)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the PKCS12 trust store (with %s): %w", locationKey, passwordKey, err)
	}
	if len(certs) == 0 {
		return nil, nil
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// KeyStoreKeys name the settings of a key store file in errors.
type KeyStoreKeys struct {
	Location, Password, KeyPassword string
}

// KeyStoreFile reads a key store file in format (from Format): one PEM
// file holding the private key and its certificate chain, the key
// decrypted with keyPassword when it is an encrypted PKCS#8 key and no
// store password allowed; or a PKCS12 store opened with storePassword.
func KeyStoreFile(format string, data []byte, storePassword, keyPassword string, k KeyStoreKeys) (*tls.Certificate, error) {
	if format == PEM {
		if storePassword != "" {
			return nil, fmt.Errorf("%s cannot be specified with PEM format, only %s may be specified", k.Password, k.KeyPassword)
		}
		return PEMKeyPair(data, data, keyPassword, k.Location, k.Location)
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, storePassword)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the PKCS12 key store (with %s): %w", k.Location, k.Password, err)
	}
	cert := &tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, c := range cas {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	return cert, nil
}

// PEMKeyPair reads a PEM certificate chain (leaf first), which the setting
// chainKey holds, and the PEM private key of its leaf, which keyKey holds,
// decrypting an encrypted PKCS#8 key with password.
func PEMKeyPair(chainPEM, keyPEM []byte, password, chainKey, keyKey string) (*tls.Certificate, error) {
	cert := &tls.Certificate{}
	for rest := chainPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			cert.Certificate = append(cert.Certificate, b.Bytes)
		}
	}
	if len(cert.Certificate) == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate found", chainKey)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", chainKey, err)
	}
	cert.Leaf = leaf
	if cert.PrivateKey, err = pemPrivateKey(keyPEM, password, keyKey); err != nil {
		return nil, err
	}
	signer, ok := cert.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: unsupported private key type %T", keyKey, cert.PrivateKey)
	}
	if pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(leaf.PublicKey) {
		return nil, fmt.Errorf("%s: the private key does not match the certificate of %s", keyKey, chainKey)
	}
	return cert, nil
}

// pemPrivateKey returns the first private key in PEM data: PKCS#8,
// PKCS#1, SEC 1, or encrypted PKCS#8 (decrypted with password). Keys in
// OpenSSL's legacy encryption are refused with how to convert them.
func pemPrivateKey(data []byte, password, keyKey string) (crypto.PrivateKey, error) {
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return nil, fmt.Errorf("%s: no PEM private key found", keyKey)
		}
		if _, legacy := b.Headers["Proc-Type"]; legacy {
			return nil, fmt.Errorf("%s: keys encrypted in the legacy OpenSSL format are not supported: "+
				"convert it to an encrypted PKCS#8 key (openssl pkcs8 -topk8 -v2 aes-256-cbc)", keyKey)
		}
		var key any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			if password == "" {
				return nil, fmt.Errorf("%s: the key is encrypted; set ssl.key.password", keyKey)
			}
			if key, err = pkcs8.ParsePKCS8PrivateKey(b.Bytes, []byte(password)); err != nil {
				// The library's text never holds the password.
				return nil, fmt.Errorf("%s: cannot decrypt the key with ssl.key.password: %w", keyKey, err)
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyKey, err)
		}
		return key, nil
	}
}
