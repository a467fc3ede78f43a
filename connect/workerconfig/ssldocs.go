package workerconfig

// Documentation strings of the TLS keys, as Java's SslConfigs words them,
// and of the keys Ferry adds (marked "Ferry:").
const (
	docSSLProtocol = "The SSL protocol used to generate the SSLContext. " +
		"The default is 'TLSv1.3' when running with Java 11 or newer, 'TLSv1.2' otherwise. " +
		"This value should be fine for most use cases. " +
		"Allowed values in recent JVMs are 'TLSv1.2' and 'TLSv1.3'. 'TLS', 'TLSv1.1', 'SSL', 'SSLv2' and 'SSLv3' " +
		"may be supported in older JVMs, but their usage is discouraged due to known security vulnerabilities. " +
		"With the default value for this config and 'ssl.enabled.protocols', clients will downgrade to 'TLSv1.2' if " +
		"the server does not support 'TLSv1.3'. If this config is set to 'TLSv1.2', clients will not use 'TLSv1.3' even " +
		"if it is one of the values in ssl.enabled.protocols and the server only supports 'TLSv1.3'."
	docSSLProvider     = "The name of the security provider used for SSL connections. Default value is the default security provider of the JVM."
	docSSLCipherSuites = "A list of cipher suites. This is a named combination of authentication, encryption, MAC and key exchange algorithm used to negotiate the security settings for a network connection using TLS or SSL network protocol. " +
		"By default all the available cipher suites are supported."
	docSSLEnabledProtocols = "The list of protocols enabled for SSL connections. " +
		"The default is 'TLSv1.2,TLSv1.3' when running with Java 11 or newer, 'TLSv1.2' otherwise. With the " +
		"default value for Java 11, clients and servers will prefer TLSv1.3 if both support it and fallback " +
		"to TLSv1.2 otherwise (assuming both support at least TLSv1.2). This default should be fine for most " +
		"cases. Also see the config documentation for `ssl.protocol`."
	docSSLKeystoreType = "The file format of the key store file. " +
		"This is optional for client. The values currently supported by the default `ssl.engine.factory.class` are [JKS, PKCS12, PEM]."
	docSSLKeystoreLocation = "The location of the key store file. " +
		"This is optional for client and can be used for two-way authentication for client."
	docSSLKeystorePassword = "The store password for the key store file. " +
		"This is optional for client and only needed if 'ssl.keystore.location' is configured. " +
		"Key store password is not supported for PEM format."
	docSSLKeyPassword = "The password of the private key in the key store file or " +
		"the PEM key specified in 'ssl.keystore.key'."
	docSSLKeystoreKey = "Private key in the format specified by 'ssl.keystore.type'. " +
		"Default SSL engine factory supports only PEM format with PKCS#8 keys. If the key is encrypted, " +
		"key password must be specified using 'ssl.key.password'"
	docSSLKeystoreChain = "Certificate chain in the format specified by 'ssl.keystore.type'. " +
		"Default SSL engine factory supports only PEM format with a list of X.509 certificates"
	docSSLTruststoreCerts = "Trusted certificates in the format specified by 'ssl.truststore.type'. " +
		"Default SSL engine factory supports only PEM format with X.509 certificates."
	docSSLTruststoreType     = "The file format of the trust store file. The values currently supported by the default `ssl.engine.factory.class` are [JKS, PKCS12, PEM]."
	docSSLTruststoreLocation = "The location of the trust store file."
	docSSLTruststorePassword = "The password for the trust store file. " +
		"If a password is not set, trust store file configured will still be used, but integrity checking is disabled. " +
		"Trust store password is not supported for PEM format."
	docSSLKeymanagerAlgo = "The algorithm used by key manager factory for SSL connections. " +
		"Default value is the key manager factory algorithm configured for the Java Virtual Machine."
	docSSLTrustmanagerAlgo = "The algorithm used by trust manager factory for SSL connections. " +
		"Default value is the trust manager factory algorithm configured for the Java Virtual Machine."
	docSSLEndpointIDAlgo = "The endpoint identification algorithm to validate server hostname using server certificate. "
	docSSLSecureRandom   = "The SecureRandom PRNG implementation to use for SSL cryptography operations. "
	docSSLEngineFactory  = "The class of type org.apache.kafka.common.security.auth.SslEngineFactory to provide SSLEngine objects. " +
		"Default value is org.apache.kafka.common.security.ssl.DefaultSslEngineFactory."

	docSSLCertificateLocation = "Ferry: a PEM file with the certificate chain (leaf first) of the REST server, " +
		"used with ssl.key.location instead of a key store."
	docSSLKeyLocation = "Ferry: a PEM file with the private key of ssl.certificate.location (PKCS#8, PKCS#1 or SEC 1; " +
		"an encrypted PKCS#8 key is decrypted with ssl.key.password)."

	docBasicAuthCredentialsFile = "Ferry: a java.util.Properties file of 'user: password' lines (the format of Connect's " +
		"PropertyFileLoginModule). When set, every REST request except the internal task-config and fencing " +
		"requests needs HTTP basic authentication with one of these users. Re-read when it changes."
	docJAASConfig = "Ferry: the JAAS configuration file Java Connect is given with -Djava.security.auth.login.config. " +
		"With rest.extension.classes naming org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension, " +
		"Ferry reads the file named by the PropertyFileLoginModule of its KafkaConnect entry and enables basic authentication."
)
