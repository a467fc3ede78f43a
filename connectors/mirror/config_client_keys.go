package mirror

import "github.com/ferrykafka/ferry/connect"

// The client keys Java's MirrorConnectorConfig defines at the top level of a
// MirrorMaker connector config (metric.reporters, security.protocol,
// config.providers and ConfigDef's withClientSslSupport and
// withClientSaslSupport), with Kafka 4.3.1's types, defaults, importance,
// validators and order.
//
// As in Java, these un-prefixed keys only describe the settings: the
// clients take their connection and security settings from
// source.cluster.* and target.cluster.* (and the role prefixes; see
// client_props.go). They are defined so that REST validation and the
// connector-plugin config listing match Java's.

// clusterPrefixNote ends the docs of keys that reach the clients only under
// a cluster prefix.
const clusterPrefixNote = " Set it as source.cluster.<key> or target.cluster.<key>: the un-prefixed key is not applied to MirrorMaker's clients."

// clientKey is one row of clientKeys.
type clientKey struct {
	name      string
	typ       connect.ConfigType
	dflt      any // nil: no default (Java's null)
	imp       connect.Importance
	validator connect.Validator
	doc       string
}

// clientKeys are the keys in Java's order.
var clientKeys = func() []clientKey {
	const (
		str, lst, pwd, cls = connect.TypeStringConfig, connect.TypeListConfig, connect.TypePasswordConfig, connect.TypeClassConfig
		i32, i16, i64, dbl = connect.TypeIntConfig, connect.TypeShortConfig, connect.TypeLongConfig, connect.TypeDoubleConfig
		boo                = connect.TypeBooleanConfig
		high, med, low     = connect.ImportanceHigh, connect.ImportanceMedium, connect.ImportanceLow
	)
	return []clientKey{
		{"metric.reporters", lst, "org.apache.kafka.common.metrics.JmxReporter", low, javaList("metric.reporters", true),
			"Classes notified of new metrics (Java's MetricsReporter). Ferry has no metrics reporters: the value is accepted and not used."},
		{"security.protocol", str, "PLAINTEXT", med,
			connect.InIgnoreCase("SASL_SSL", "PLAINTEXT", "SSL", "SASL_PLAINTEXT"),
			"Protocol used to talk to brokers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL." + clusterPrefixNote},
		{"config.providers", lst, "", low, javaList("config.providers", true),
			"Aliases of config providers (Java's ConfigProvider) for ${provider:path:key} references. The worker's config.providers resolve references in connector configs."},
		{"ssl.protocol", str, "TLSv1.3", med, nil,
			"The TLS protocol of the SSL context. Ferry's clients use ssl.enabled.protocols."},
		{"ssl.provider", str, nil, med, nil, "Name of the JVM security provider for TLS. Not used by Ferry."},
		{"ssl.cipher.suites", lst, "", low, javaList("ssl.cipher.suites", true),
			"Cipher suites (IANA names) allowed for TLS 1.2 and older; empty means the defaults." + clusterPrefixNote},
		{"ssl.enabled.protocols", lst, "TLSv1.2,TLSv1.3", med, javaList("ssl.enabled.protocols", true),
			"TLS versions allowed for connections to brokers." + clusterPrefixNote},
		{"ssl.keystore.type", str, "JKS", med, nil,
			"Format of the key store: PEM or PKCS12 (JKS-typed files must be PKCS12; real JKS files must be converted)." + clusterPrefixNote},
		{"ssl.keystore.location", str, nil, high, nil,
			"Key store file holding the client certificate and key, for brokers that authenticate clients by certificate." + clusterPrefixNote},
		{"ssl.keystore.password", pwd, nil, high, nil, "Password of the PKCS12 key store file. Not allowed with PEM." + clusterPrefixNote},
		{"ssl.key.password", pwd, nil, high, nil, "Password of the private key (an encrypted PKCS#8 PEM key)." + clusterPrefixNote},
		{"ssl.keystore.key", pwd, nil, high, nil, "The client's private key, inline in PEM (with ssl.keystore.type=PEM)." + clusterPrefixNote},
		{"ssl.keystore.certificate.chain", pwd, nil, high, nil,
			"The client's certificate chain, inline in PEM (with ssl.keystore.type=PEM)." + clusterPrefixNote},
		{"ssl.truststore.certificates", pwd, nil, high, nil,
			"Trusted CA certificates, inline in PEM (with ssl.truststore.type=PEM)." + clusterPrefixNote},
		{"ssl.truststore.type", str, "JKS", med, nil,
			"Format of the trust store: PEM or PKCS12 (JKS-typed files must be PKCS12; real JKS files must be converted)." + clusterPrefixNote},
		{"ssl.truststore.location", str, nil, high, nil,
			"Trust store file with the CA certificates that sign the brokers' certificates; none means the system's roots." + clusterPrefixNote},
		{"ssl.truststore.password", pwd, nil, high, nil, "Password of the PKCS12 trust store file. Not allowed with PEM." + clusterPrefixNote},
		{"ssl.keymanager.algorithm", str, "SunX509", low, nil, "JVM key manager algorithm. Not used by Ferry."},
		{"ssl.trustmanager.algorithm", str, "PKIX", low, nil, "JVM trust manager algorithm. Not used by Ferry."},
		{"ssl.endpoint.identification.algorithm", str, "https", low, nil,
			"https checks that the broker's certificate names the host connected to; empty checks the chain only." + clusterPrefixNote},
		{"ssl.secure.random.implementation", str, nil, low, nil, "JVM SecureRandom implementation. Not used by Ferry."},
		{"ssl.engine.factory.class", cls, nil, low, nil, "Custom JVM SSLEngine factory. Not supported by Ferry."},
		{"sasl.kerberos.service.name", str, nil, med, nil, "Kerberos principal name of the brokers (GSSAPI). Ferry does not support GSSAPI."},
		{"sasl.kerberos.kinit.cmd", str, "/usr/bin/kinit", low, nil, "Path of kinit (GSSAPI). Not used by Ferry."},
		{"sasl.kerberos.ticket.renew.window.factor", dbl, "0.8", low, nil, "Kerberos ticket renewal window (GSSAPI). Not used by Ferry."},
		{"sasl.kerberos.ticket.renew.jitter", dbl, "0.05", low, nil, "Jitter of the Kerberos ticket renewal (GSSAPI). Not used by Ferry."},
		{"sasl.kerberos.min.time.before.relogin", i64, int64(60000), low, nil, "Minimum time between Kerberos logins (GSSAPI). Not used by Ferry."},
		{"sasl.login.refresh.window.factor", dbl, "0.8", low, doubleBetween(0.5, 1.0),
			"Fraction of a credential's lifetime after which it is refreshed (OAUTHBEARER), 0.5 to 1.0. Not used by Ferry."},
		{"sasl.login.refresh.window.jitter", dbl, "0.05", low, doubleBetween(0.0, 0.25),
			"Random jitter added to the credential refresh time (OAUTHBEARER), 0 to 0.25. Not used by Ferry."},
		{"sasl.login.refresh.min.period.seconds", i16, int16(60), low, connect.Between(0, 900),
			"Minimum wait before refreshing a credential (OAUTHBEARER), 0 to 900 seconds. Not used by Ferry."},
		{"sasl.login.refresh.buffer.seconds", i16, int16(300), low, connect.Between(0, 3600),
			"Time kept before a credential expires when refreshing it (OAUTHBEARER), 0 to 3600 seconds. Not used by Ferry."},
		{"sasl.mechanism", str, "GSSAPI", med, nil,
			"SASL mechanism: Ferry supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512." + clusterPrefixNote},
		{"sasl.jaas.config", pwd, nil, med, nil,
			"JAAS login module and options, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";" + clusterPrefixNote},
		{"sasl.client.callback.handler.class", cls, nil, med, nil, "Custom JVM SASL client callback handler. Not supported by Ferry."},
		{"sasl.login.callback.handler.class", cls, nil, med, nil, "Custom JVM SASL login callback handler. Not supported by Ferry."},
		{"sasl.login.class", cls, nil, med, nil, "Custom JVM SASL login class. Not supported by Ferry."},
		{"sasl.login.connect.timeout.ms", i32, nil, low, nil, "Connect timeout towards the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.login.read.timeout.ms", i32, nil, low, nil, "Read timeout towards the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.login.retry.backoff.max.ms", i64, int64(10000), low, nil, "Longest wait between logins to the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.login.retry.backoff.ms", i64, int64(100), low, nil, "First wait between logins to the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.jwt.retriever.class", cls, "org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever", med, nil,
			"Class that fetches tokens from the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.jwt.validator.class", cls, "org.apache.kafka.common.security.oauthbearer.DefaultJwtValidator", med, nil,
			"Class that validates tokens from the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.scope", str, nil, med, nil, "Scope requested with the token (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.client.credentials.client.id", str, nil, med, nil, "Client id for the client credentials grant (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.client.credentials.client.secret", pwd, nil, med, nil, "Client secret for the client credentials grant (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.algorithm", str, "RS256", med, connect.InIgnoreCase("ES256", "RS256"),
			"Signing algorithm of the JWT assertion, RS256 or ES256 (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.claim.aud", str, nil, med, nil, "aud claim of the JWT assertion (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.claim.exp.seconds", i32, int32(300), low, connect.Between(0, 86400),
			"Lifetime in seconds of the JWT assertion, 0 to 86400 (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.claim.iss", str, nil, med, nil, "iss claim of the JWT assertion (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.claim.jti.include", boo, false, med, nil, "Whether the JWT assertion carries a jti claim (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.claim.nbf.seconds", i32, int32(60), low, connect.Between(0, 3600),
			"Seconds before now from which the JWT assertion is valid, 0 to 3600 (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.claim.sub", str, nil, med, nil, "sub claim of the JWT assertion (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.file", str, nil, med, nil, "File with a pre-made JWT assertion (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.private.key.file", str, nil, med, nil, "PEM key that signs the JWT assertion (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.private.key.passphrase", pwd, nil, med, nil,
			"Passphrase of sasl.oauthbearer.assertion.private.key.file (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.assertion.template.file", str, nil, med, nil, "File with the header and claims of the JWT assertion (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.scope.claim.name", str, "scope", low, nil, "Name of the scope claim in tokens (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.sub.claim.name", str, "sub", low, nil, "Name of the subject claim in tokens (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.token.endpoint.url", str, nil, med, nil, "Token endpoint URL or token file of the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.jwks.endpoint.url", str, nil, med, nil, "URL of the identity provider's JWKS (OAUTHBEARER, brokers). Not used by Ferry."},
		{"sasl.oauthbearer.jwks.endpoint.refresh.ms", i64, int64(3600000), low, nil, "JWKS cache refresh interval (OAUTHBEARER, brokers). Not used by Ferry."},
		{"sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", i64, int64(10000), low, nil, "Longest wait between JWKS fetches (OAUTHBEARER, brokers). Not used by Ferry."},
		{"sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", i64, int64(100), low, nil, "First wait between JWKS fetches (OAUTHBEARER, brokers). Not used by Ferry."},
		{"sasl.oauthbearer.clock.skew.seconds", i32, int32(30), low, nil, "Allowed clock difference with the identity provider (OAUTHBEARER). Not used by Ferry."},
		{"sasl.oauthbearer.expected.audience", lst, "", high, javaList("sasl.oauthbearer.expected.audience", true),
			"Audiences a token must name (OAUTHBEARER, brokers). Not used by Ferry."},
		{"sasl.oauthbearer.expected.issuer", str, nil, high, nil, "Issuer a token must name (OAUTHBEARER, brokers). Not used by Ferry."},
		{"sasl.oauthbearer.header.urlencode", boo, false, low, nil,
			"Whether the client id and secret are URL-encoded in the authorization header (OAUTHBEARER). Not used by Ferry."},
	}
}()

// defineClientKeys adds clientKeys to d.
func defineClientKeys(d *connect.ConfigDef) *connect.ConfigDef {
	for _, k := range clientKeys {
		d.Define(connect.ConfigKey{Name: k.name, Type: k.typ, Default: k.dflt, Validator: k.validator,
			Importance: k.imp, Doc: k.doc})
	}
	return d
}
