package workerconfig

import (
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// TLS keys of the REST server and of the client workers use to call each
// other, spelled as Java's SslConfigs spells them (Java's RestServerConfig
// and DistributedConfig define them with ConfigDef.withClientSslSupport),
// plus two Ferry keys for Go-style PEM files. The same keys configure the
// worker's Kafka clients when security.protocol is SSL or SASL_SSL
// (kafkaclient reads them there).
const (
	SSLProtocol                        = "ssl.protocol"
	SSLProvider                        = "ssl.provider"
	SSLCipherSuites                    = "ssl.cipher.suites"
	SSLEnabledProtocols                = "ssl.enabled.protocols"
	SSLKeystoreType                    = "ssl.keystore.type"
	SSLKeystoreLocation                = "ssl.keystore.location"
	SSLKeystorePassword                = "ssl.keystore.password"
	SSLKeyPassword                     = "ssl.key.password"
	SSLKeystoreKey                     = "ssl.keystore.key"
	SSLKeystoreCertificateChain        = "ssl.keystore.certificate.chain"
	SSLTruststoreCertificates          = "ssl.truststore.certificates"
	SSLTruststoreType                  = "ssl.truststore.type"
	SSLTruststoreLocation              = "ssl.truststore.location"
	SSLTruststorePassword              = "ssl.truststore.password"
	SSLKeymanagerAlgorithm             = "ssl.keymanager.algorithm"
	SSLTrustmanagerAlgorithm           = "ssl.trustmanager.algorithm"
	SSLEndpointIdentificationAlgorithm = "ssl.endpoint.identification.algorithm"
	SSLSecureRandomImplementation      = "ssl.secure.random.implementation"
	SSLEngineFactoryClass              = "ssl.engine.factory.class"

	// SSLCertificateLocation (Ferry) is a PEM file holding the
	// certificate chain, leaf first, as Go's tls.LoadX509KeyPair reads it.
	SSLCertificateLocation = "ssl.certificate.location"
	// SSLKeyLocation (Ferry) is a PEM file holding the private key of
	// SSLCertificateLocation (PKCS#8, PKCS#1 or SEC 1; an encrypted
	// PKCS#8 key is decrypted with ssl.key.password).
	SSLKeyLocation = "ssl.key.location"

	// ListenersHTTPSPrefix prefixes the TLS settings of the https
	// listeners and of the worker-to-worker client
	// (RestServerConfig's "listeners.https.").
	ListenersHTTPSPrefix = "listeners.https."
	// AdminListenersHTTPSPrefix prefixes the TLS settings of the https
	// admin listeners (RestServerConfig.ADMIN_LISTENERS_HTTPS_CONFIGS_PREFIX).
	AdminListenersHTTPSPrefix = "admin.listeners.https."
)

// Java's SslConfigs defaults.
const (
	DefaultSSLProtocol         = "TLSv1.3"
	DefaultSSLEnabledProtocols = "TLSv1.2,TLSv1.3"
	DefaultSSLStoreType        = "JKS"
	DefaultSSLEndpointIDAlgo   = "https"
)

// defineClientSSL adds Java's ConfigDef.withClientSslSupport keys, with
// Java's types and defaults (the key and trust manager algorithms default
// to the JVM's defaults, SunX509 and PKIX), then Ferry's PEM file keys.
func defineClientSSL(d *connect.ConfigDef) {
	high, medium, low := connect.ImportanceHigh, connect.ImportanceMedium, connect.ImportanceLow
	def := func(name string, t connect.ConfigType, dflt any, imp connect.Importance, doc string) {
		d.Define(connect.ConfigKey{Name: name, Type: t, Default: dflt, Importance: imp, Doc: doc})
	}
	def(SSLProtocol, connect.TypeStringConfig, DefaultSSLProtocol, medium, docSSLProtocol)
	def(SSLProvider, connect.TypeStringConfig, nil, medium, docSSLProvider)
	def(SSLCipherSuites, connect.TypeListConfig, nil, low, docSSLCipherSuites)
	def(SSLEnabledProtocols, connect.TypeListConfig, DefaultSSLEnabledProtocols, medium, docSSLEnabledProtocols)
	def(SSLKeystoreType, connect.TypeStringConfig, DefaultSSLStoreType, medium, docSSLKeystoreType)
	def(SSLKeystoreLocation, connect.TypeStringConfig, nil, high, docSSLKeystoreLocation)
	def(SSLKeystorePassword, connect.TypePasswordConfig, nil, high, docSSLKeystorePassword)
	def(SSLKeyPassword, connect.TypePasswordConfig, nil, high, docSSLKeyPassword)
	def(SSLKeystoreKey, connect.TypePasswordConfig, nil, high, docSSLKeystoreKey)
	def(SSLKeystoreCertificateChain, connect.TypePasswordConfig, nil, high, docSSLKeystoreChain)
	def(SSLTruststoreCertificates, connect.TypePasswordConfig, nil, high, docSSLTruststoreCerts)
	def(SSLTruststoreType, connect.TypeStringConfig, DefaultSSLStoreType, medium, docSSLTruststoreType)
	def(SSLTruststoreLocation, connect.TypeStringConfig, nil, high, docSSLTruststoreLocation)
	def(SSLTruststorePassword, connect.TypePasswordConfig, nil, high, docSSLTruststorePassword)
	def(SSLKeymanagerAlgorithm, connect.TypeStringConfig, "SunX509", low, docSSLKeymanagerAlgo)
	def(SSLTrustmanagerAlgorithm, connect.TypeStringConfig, "PKIX", low, docSSLTrustmanagerAlgo)
	def(SSLEndpointIdentificationAlgorithm, connect.TypeStringConfig, DefaultSSLEndpointIDAlgo, low, docSSLEndpointIDAlgo)
	def(SSLSecureRandomImplementation, connect.TypeStringConfig, nil, low, docSSLSecureRandom)
	def(SSLEngineFactoryClass, connect.TypeClassConfig, nil, low, docSSLEngineFactory)
	def(SSLCertificateLocation, connect.TypeStringConfig, nil, high, docSSLCertificateLocation)
	def(SSLKeyLocation, connect.TypeStringConfig, nil, high, docSSLKeyLocation)
}

// restSSLDef is the definition the prefixed REST TLS keys are parsed with:
// the client SSL keys and ssl.client.auth, as in Java's RestServerConfig.
func restSSLDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	defineClientSSL(d)
	d.Define(connect.ConfigKey{Name: SSLClientAuth, Type: connect.TypeStringConfig, Default: "none",
		Validator: connect.In("required", "requested", "none"), Importance: connect.ImportanceLow, Doc: docSSLClientAuth})
	return d
}

// SSLSettings are the TLS settings of one kind of REST endpoint, taken as
// Java's SSLUtils takes them (AbstractConfig.valuesWithPrefixAllOrNothing):
// when any key with the prefix is set, only the prefixed keys count (the
// others get their defaults, NOT the top-level values); when none is, the
// top-level ssl.* keys count. Files are not read here: the REST server
// loads them (rest/tls.go).
type SSLSettings struct {
	// Prefix is where the values came from: the prefix asked for, or ""
	// for the top-level keys. Key names a problem as Prefix + key.
	Prefix string

	KeystoreType             string
	KeystoreLocation         string
	KeystorePassword         connect.Password
	KeyPassword              connect.Password
	KeystoreKey              connect.Password
	KeystoreCertificateChain connect.Password
	// CertificateLocation and KeyLocation are Ferry's PEM file keys.
	CertificateLocation string
	KeyLocation         string

	TruststoreType         string
	TruststoreLocation     string
	TruststorePassword     connect.Password
	TruststoreCertificates connect.Password

	// ClientAuth is none, requested or required.
	ClientAuth       string
	EnabledProtocols []string
	// CipherSuites is nil when unset (the defaults apply).
	CipherSuites []string
	// EndpointIdentificationAlgorithm is "https" (verify the server's
	// host name) or "" (do not).
	EndpointIdentificationAlgorithm string
}

// Key is the full name of one of these settings' keys, e.g.
// "listeners.https.ssl.keystore.location".
func (s SSLSettings) Key(name string) string { return s.Prefix + name }

// ListenerSSL returns the TLS settings of the https listeners, which are
// also those of the client a worker calls other workers with (Java's
// SSLUtils.createServerSideSslContextFactory and
// createClientSideSslContextFactory both read "listeners.https.").
func (c *Config) ListenerSSL() SSLSettings { return c.ssl(ListenersHTTPSPrefix) }

// AdminListenerSSL returns the TLS settings of the https admin listeners:
// the admin.listeners.https.* keys, or when none is set the top-level
// ssl.* keys (never the listeners.https.* ones, as in Java).
func (c *Config) AdminListenerSSL() SSLSettings { return c.ssl(AdminListenersHTTPSPrefix) }

func (c *Config) ssl(prefix string) SSLSettings {
	values := c.Values
	used := ""
	if p := withPrefix(c.Props, prefix); len(p) > 0 {
		values, _ = restSSLDef().Parse(p) // checked by Parse (checkSSLPrefix)
		used = prefix
	}
	str := func(k string) string { s, _ := values[k].(string); return s }
	pw := func(k string) connect.Password { p, _ := values[k].(connect.Password); return p }
	list := func(k string) []string { l, _ := values[k].([]string); return l }
	s := SSLSettings{
		Prefix:                          used,
		KeystoreType:                    str(SSLKeystoreType),
		KeystoreLocation:                str(SSLKeystoreLocation),
		KeystorePassword:                pw(SSLKeystorePassword),
		KeyPassword:                     pw(SSLKeyPassword),
		KeystoreKey:                     pw(SSLKeystoreKey),
		KeystoreCertificateChain:        pw(SSLKeystoreCertificateChain),
		CertificateLocation:             str(SSLCertificateLocation),
		KeyLocation:                     str(SSLKeyLocation),
		TruststoreType:                  str(SSLTruststoreType),
		TruststoreLocation:              str(SSLTruststoreLocation),
		TruststorePassword:              pw(SSLTruststorePassword),
		TruststoreCertificates:          pw(SSLTruststoreCertificates),
		ClientAuth:                      str(SSLClientAuth),
		EnabledProtocols:                list(SSLEnabledProtocols),
		CipherSuites:                    list(SSLCipherSuites),
		EndpointIdentificationAlgorithm: str(SSLEndpointIdentificationAlgorithm),
	}
	return s
}

// checkSSLPrefix validates the keys set under prefix with the REST TLS
// definition, naming each problem by its full key.
func checkSSLPrefix(props map[string]string, prefix string) []string {
	p := withPrefix(props, prefix)
	if len(p) == 0 {
		return nil
	}
	var out []string
	for _, cv := range restSSLDef().Validate(p) {
		for _, e := range cv.Errors {
			// Java's texts name the key ("... for configuration
			// ssl.client.auth"); name the key as it was written.
			out = append(out, strings.Replace(e, "configuration "+cv.Name, "configuration "+prefix+cv.Name, 1))
		}
	}
	return out
}

// unusedSSLKeys are the TLS keys Java acts on that Ferry accepts but
// ignores (JVM security providers and factories).
var unusedSSLKeys = []string{SSLProvider, SSLKeymanagerAlgorithm, SSLTrustmanagerAlgorithm,
	SSLSecureRandomImplementation, SSLEngineFactoryClass, SSLProtocol}

// unusedSSL lists the ignored TLS keys set at the top level or under a
// REST prefix, sorted.
func unusedSSL(props map[string]string) []string {
	var out []string
	for _, prefix := range []string{"", ListenersHTTPSPrefix, AdminListenersHTTPSPrefix} {
		for _, k := range unusedSSLKeys {
			if _, ok := props[prefix+k]; ok {
				out = append(out, prefix+k)
			}
		}
	}
	sort.Strings(out)
	return out
}
