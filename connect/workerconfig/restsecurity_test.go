package workerconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

func TestSSLKeysDefaults(t *testing.T) {
	d := ConfigDef()
	for name, want := range map[string]any{
		SSLProtocol:                        "TLSv1.3",
		SSLEnabledProtocols:                []string{"TLSv1.2", "TLSv1.3"},
		SSLKeystoreType:                    "JKS",
		SSLTruststoreType:                  "JKS",
		SSLEndpointIdentificationAlgorithm: "https",
		SSLClientAuth:                      "none",
		SSLKeymanagerAlgorithm:             "SunX509",
		SSLTrustmanagerAlgorithm:           "PKIX",
		ResponseHTTPHeaders:                "",
		AccessControlAllowOrigin:           "",
		AccessControlAllowMethods:          "",
		RestExtensionClasses:               []string{},
	} {
		k := d.Key(name)
		if k == nil || !reflect.DeepEqual(k.Default, want) {
			t.Errorf("%s: %+v, want default %#v", name, k, want)
		}
	}
	for _, name := range []string{SSLKeystorePassword, SSLKeyPassword, SSLKeystoreKey, SSLKeystoreCertificateChain,
		SSLTruststoreCertificates, SSLTruststorePassword} {
		if k := d.Key(name); k == nil || k.Type != connect.TypePasswordConfig || k.Default != nil {
			t.Errorf("%s: want a PASSWORD without default, got %+v", name, k)
		}
	}
	for _, name := range []string{SSLKeystoreLocation, SSLTruststoreLocation, SSLCertificateLocation, SSLKeyLocation,
		SSLCipherSuites, RestBasicAuthCredentialsFile, JAASConfigFile, AdminListeners} {
		if k := d.Key(name); k == nil || k.Default != nil {
			t.Errorf("%s: want a key with a null default, got %+v", name, k)
		}
	}
}

func TestListenerSSLAllOrNothing(t *testing.T) {
	c, err := Parse(with(
		SSLKeystoreType, "PKCS12",
		SSLKeystoreLocation, "/top/ks.p12",
		SSLKeystorePassword, "top-pw",
		SSLClientAuth, "required",
		SSLTruststoreLocation, "/top/ts.p12",
		"listeners.https.ssl.keystore.type", "PEM",
		"listeners.https.ssl.keystore.location", "/rest/ks.pem",
		"listeners.https.ssl.enabled.protocols", "TLSv1.3",
	))
	if err != nil {
		t.Fatal(err)
	}
	// With a listeners.https. key set, only those count: the top-level
	// trust store, client auth and password do not leak in.
	got := c.ListenerSSL()
	want := SSLSettings{Prefix: "listeners.https.", KeystoreType: "PEM", KeystoreLocation: "/rest/ks.pem",
		TruststoreType: "JKS", ClientAuth: "none", EnabledProtocols: []string{"TLSv1.3"}, EndpointIdentificationAlgorithm: "https"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListenerSSL:\n got  %+v\n want %+v", got, want)
	}
	// The admin listeners fall back to the top level, not to
	// listeners.https.
	admin := c.AdminListenerSSL()
	if admin.Prefix != "" || admin.KeystoreLocation != "/top/ks.p12" || admin.KeystorePassword.Value() != "top-pw" ||
		admin.ClientAuth != "required" || admin.TruststoreLocation != "/top/ts.p12" || admin.Key(SSLKeystoreLocation) != "ssl.keystore.location" {
		t.Errorf("AdminListenerSSL: %+v", admin)
	}

	c, err = Parse(with("admin.listeners.https.ssl.certificate.location", "/a.crt", "admin.listeners.https.ssl.key.location", "/a.key",
		"admin.listeners.https.ssl.key.password", "kpw"))
	if err != nil {
		t.Fatal(err)
	}
	admin = c.AdminListenerSSL()
	if admin.Prefix != AdminListenersHTTPSPrefix || admin.CertificateLocation != "/a.crt" || admin.KeyLocation != "/a.key" ||
		admin.KeyPassword.Value() != "kpw" || admin.Key(SSLKeyLocation) != "admin.listeners.https.ssl.key.location" {
		t.Errorf("AdminListenerSSL: %+v", admin)
	}
	if l := c.ListenerSSL(); l.Prefix != "" || l.CertificateLocation != "" {
		t.Errorf("ListenerSSL: %+v", l)
	}
}

func TestRESTSecurityErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		want  []string
	}{
		{"client auth", with(SSLClientAuth, "maybe"),
			[]string{"Invalid value maybe for configuration ssl.client.auth: String must be one of: required, requested, none"}},
		{"prefixed client auth", with("listeners.https.ssl.client.auth", "always", "admin.listeners.https.ssl.client.auth", "never"),
			[]string{"Invalid value always for configuration listeners.https.ssl.client.auth: String must be one of: required, requested, none",
				"Invalid value never for configuration admin.listeners.https.ssl.client.auth: String must be one of: required, requested, none"}},
		{"header action", with(ResponseHTTPHeaders, "sett X-Frame-Options: DENY"),
			[]string{"Invalid header config action: 'sett'. Expected one of [set, add, setDate, addDate]"}},
		{"basic auth extension without JAAS", with(RestExtensionClasses, BasicAuthExtensionClass),
			[]string{"rest.extension.classes names " + BasicAuthExtensionClass + ", which needs a JAAS file: set " +
				"java.security.auth.login.config to the file Java Connect is given with -Djava.security.auth.login.config, " +
				"or set rest.basic.auth.credentials.file"}},
	} {
		_, err := Parse(tc.props)
		var e *Error
		if !asError(err, &e) || !reflect.DeepEqual(e.Problems, tc.want) {
			t.Errorf("%s: %v\nwant %q", tc.name, err, tc.want)
		}
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

func TestBasicAuthSettings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		want  BasicAuthSettings
		warn  string
	}{
		{"off", with(), BasicAuthSettings{}, ""},
		{"credentials file", with(RestBasicAuthCredentialsFile, "/etc/creds"), BasicAuthSettings{CredentialsFile: "/etc/creds"}, ""},
		{"JAAS with the extension", with(RestExtensionClasses, BasicAuthExtensionClass, JAASConfigFile, "/etc/jaas.conf"),
			BasicAuthSettings{JAASConfigFile: "/etc/jaas.conf"}, ""},
		{"the credentials file wins", with(RestExtensionClasses, BasicAuthExtensionClass, JAASConfigFile, "/etc/jaas.conf",
			RestBasicAuthCredentialsFile, "/etc/creds"), BasicAuthSettings{CredentialsFile: "/etc/creds"}, ""},
		{"JAAS without the extension", with(JAASConfigFile, "/etc/jaas.conf"), BasicAuthSettings{},
			"java.security.auth.login.config is set but rest.extension.classes does not name " + BasicAuthExtensionClass +
				": REST requests are not authenticated"},
		{"other extensions", with(RestExtensionClasses, "com.example.Audit,"+BasicAuthExtensionClass, JAASConfigFile, "/j"),
			BasicAuthSettings{JAASConfigFile: "/j"}, "Ferry runs no Java REST extensions; ignoring com.example.Audit (of rest.extension.classes)"},
	} {
		c, err := Parse(tc.props)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := c.BasicAuth(); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
		w := c.Warnings()
		if tc.warn == "" && len(w) != 0 || tc.warn != "" && (len(w) != 1 || w[0] != tc.warn) {
			t.Errorf("%s: warnings %q, want %q", tc.name, w, tc.warn)
		}
	}
}

func TestRESTSecurityUnusedKeys(t *testing.T) {
	c, err := Parse(with(
		SSLProvider, "SunJSSE",
		"listeners.https.ssl.keymanager.algorithm", "PKIX",
		SSLKeystoreLocation, "/ks",
		"listeners.https.ssl.keystore.location", "/ks",
		SSLClientAuth, "required",
		ResponseHTTPHeaders, "set A:b",
		RestExtensionClasses, BasicAuthExtensionClass+",com.example.Other",
		JAASConfigFile, "/jaas",
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"listeners.https.ssl.keymanager.algorithm", "rest.extension.classes", "ssl.provider"}
	if got := c.Unused(); !reflect.DeepEqual(got, want) {
		t.Errorf("Unused = %q, want %q", got, want)
	}
	c, err = Parse(with(RestExtensionClasses, BasicAuthExtensionClass, JAASConfigFile, "/jaas"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Unused(); len(got) != 0 {
		t.Errorf("Unused = %q with only the basic-auth extension", got)
	}
}

func TestParseHeaderRules(t *testing.T) {
	rules, err := ParseHeaderRules(`set X-Frame-Options: DENY,"add Cache-Control: no-cache, no-store", ` +
		`SETDATE Expires: 31540000000, addDate Date: 0 , "set X-Quote: a \"b\""`)
	if err != nil {
		t.Fatal(err)
	}
	want := []HeaderRule{
		{Action: "set", Name: "X-Frame-Options", Value: "DENY"},
		{Action: "add", Name: "Cache-Control", Value: "no-cache, no-store"},
		{Action: "setDate", Name: "Expires", Offset: 31540000000 * time.Millisecond},
		{Action: "addDate", Name: "Date"},
		{Action: "set", Name: "X-Quote", Value: `a "b"`},
	}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("rules:\n got  %+v\n want %+v", rules, want)
	}
	if r, err := ParseHeaderRules("  "); r != nil || err != nil {
		t.Errorf("blank: %v %v", r, err)
	}
	// Java's texts (RestServerConfig.validateHttpResponseHeaderConfig).
	for cfg, msg := range map[string]string{
		"set":                      "Invalid format of header config 'set'. Expected: '[action] [header name]:[header value]'",
		"set X:a,,set Y:b":         "Invalid format of header config ''. Expected: '[action] [header name]:[header value]'",
		"put X-A: b":               "Invalid header config action: 'put'. Expected one of [set, add, setDate, addDate]",
		"set X-A":                  "Invalid format of header name and header value pair 'X-A'. Expected: '[header name]:[header value]'",
		"set X-A: b:c":             "Invalid format of header name and header value pair 'X-A: b:c'. Expected: '[header name]:[header value]'",
		"set X-A:":                 "Invalid format of header name and header value pair 'X-A:'. Expected: '[header name]:[header value]'",
		"set X A: b":               "Invalid header name 'X A'. The '[header name]' cannot contain whitespace",
		"set : b":                  "Invalid header name ''. The '[header name]' cannot contain whitespace",
		"set X(A): b":              "Invalid header name 'X(A)'. The '[header name]' must be an HTTP token",
		"setDate Expires: 1 hour":  "Invalid header config 'setDate Expires: 1 hour'. The value of setDate must be a number of milliseconds",
		"addDate Expires: 1e3":     "Invalid header config 'addDate Expires: 1e3'. The value of addDate must be a number of milliseconds",
		`"set X-A: b" trailing, x`: "Invalid format of header config 'x'. Expected: '[action] [header name]:[header value]'",
	} {
		if _, err := ParseHeaderRules(cfg); err == nil || err.Error() != msg {
			t.Errorf("%q: %v, want %q", cfg, err, msg)
		}
	}
	// A trailing value colon Java's split drops is kept, as Jetty keeps it.
	if r, err := ParseHeaderRules("set X-A: b:"); err != nil || r[0].Value != "b:" {
		t.Errorf("trailing colon: %+v %v", r, err)
	}
}

func TestCSVSplit(t *testing.T) {
	for in, want := range map[string][]string{
		"a,b":                  {"a", "b"},
		" a , b ":              {"a", "b"},
		"a b ,c":               {"a b", "c"},
		`"a,b", c`:             {"a,b", "c"},
		`"a\"b\\c"`:            {`a"b\c`},
		`"a" junk, b`:          {"a", "b"},
		"a,,b":                 {"a", "", "b"},
		"a,":                   {"a"},
		`"unterminated, quote`: {"unterminated, quote"},
		"":                     nil,
	} {
		if got := csvSplit(in); !reflect.DeepEqual(got, want) {
			t.Errorf("csvSplit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCredentialsFileFromJAAS(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		p := filepath.Join(dir, "jaas.conf")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `// Kafka's own entries may share the file.
KafkaServer {
   org.apache.kafka.common.security.plain.PlainLoginModule required
   username="admin" password="admin-secret";
};
# Connect's REST basic authentication
KafkaConnect {
  /* the credentials */
  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule Required
  file="/etc/kafka/connect \"rest\".password" debug=true;
};`
	got, err := CredentialsFileFromJAAS(write(good))
	if err != nil || got != `/etc/kafka/connect "rest".password` {
		t.Errorf("file %q, %v", got, err)
	}
	for text, msg := range map[string]string{
		"KafkaServer { x required; };":                                                  "No LoginModules configured for KafkaConnect",
		"KafkaConnect { com.example.LdapLoginModule required url=\"ldap://x\"; };":      "the KafkaConnect entry has login modules [com.example.LdapLoginModule]; Ferry supports exactly one, " + PropertyFileLoginModuleClass,
		"KafkaConnect { " + PropertyFileLoginModuleClass + " required; };":              "Property Credentials file must be specified",
		"KafkaConnect { " + PropertyFileLoginModuleClass + " mandatory file=\"/x\"; };": "login module " + PropertyFileLoginModuleClass + ": invalid control flag \"mandatory\"",
		"KafkaConnect { " + PropertyFileLoginModuleClass + " required file=\"/x\"; }":   "expected \";\", found the end of the file",
		"KafkaConnect { " + PropertyFileLoginModuleClass + " required file=; };":        "option file: expected a value, found \";\"",
		"KafkaConnect { a required file=\"/x;};":                                        "unterminated quoted string",
		"/* KafkaConnect {":                                                             "unterminated /* comment",
		"KafkaConnect { };\nKafkaConnect { };":                                          "entry KafkaConnect is defined twice",
	} {
		_, err := CredentialsFileFromJAAS(write(text))
		if err == nil || !strings.HasSuffix(err.Error(), msg) || !strings.HasPrefix(err.Error(), "java.security.auth.login.config ") {
			t.Errorf("%q: %v, want ...%q", text, err, msg)
		}
	}
	if _, err := CredentialsFileFromJAAS(filepath.Join(dir, "missing.conf")); err == nil || !strings.HasPrefix(err.Error(), "java.security.auth.login.config: open ") {
		t.Errorf("missing file: %v", err)
	}
}
