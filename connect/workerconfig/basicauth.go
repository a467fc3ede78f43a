package workerconfig

import (
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// Basic authentication of REST requests. Java Connect enables it with a
// REST extension and a JAAS file given as a JVM system property; Ferry
// reads the same JAAS file from a worker property of the system
// property's name, or takes the credentials file directly.
const (
	// RestBasicAuthCredentialsFile (Ferry) names the credentials file
	// (PropertyFileLoginModule's format) directly.
	RestBasicAuthCredentialsFile = "rest.basic.auth.credentials.file"
	// JAASConfigFile (Ferry) names the JAAS file whose KafkaConnect entry
	// holds a PropertyFileLoginModule, as -Djava.security.auth.login.config
	// does for Java Connect.
	JAASConfigFile = "java.security.auth.login.config"
	// BasicAuthExtensionClass is Connect's basic-auth REST extension.
	BasicAuthExtensionClass = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
)

// BasicAuthSettings say where the REST server finds its credentials.
// Both empty: no authentication.
type BasicAuthSettings struct {
	// CredentialsFile is rest.basic.auth.credentials.file; it wins over
	// JAASConfigFile.
	CredentialsFile string
	// JAASConfigFile is java.security.auth.login.config when
	// rest.extension.classes names BasicAuthExtensionClass.
	JAASConfigFile string
}

// Enabled tells whether REST requests must authenticate.
func (s BasicAuthSettings) Enabled() bool { return s.CredentialsFile != "" || s.JAASConfigFile != "" }

// BasicAuth returns the basic authentication settings.
func (c *Config) BasicAuth() BasicAuthSettings { return basicAuthOf(c.Values) }

func basicAuthOf(values connect.Values) BasicAuthSettings {
	str := func(k string) string { s, _ := values[k].(string); return strings.TrimSpace(s) }
	s := BasicAuthSettings{CredentialsFile: str(RestBasicAuthCredentialsFile)}
	if s.CredentialsFile == "" && basicAuthExtension(values) {
		s.JAASConfigFile = str(JAASConfigFile)
	}
	return s
}

// basicAuthExtension tells whether rest.extension.classes names Connect's
// basic-auth extension.
func basicAuthExtension(values connect.Values) bool {
	for _, cls := range restExtensions(values) {
		if cls == BasicAuthExtensionClass {
			return true
		}
	}
	return false
}

func restExtensions(values connect.Values) []string {
	l, _ := values[RestExtensionClasses].([]string)
	return l
}

// checkBasicAuth reports a basic-auth extension without a JAAS file or
// credentials file to read (Java would answer every request with 401).
func checkBasicAuth(values connect.Values) []string {
	if basicAuthExtension(values) && !basicAuthOf(values).Enabled() {
		return []string{"rest.extension.classes names " + BasicAuthExtensionClass +
			", which needs a JAAS file: set " + JAASConfigFile + " to the file Java Connect is given with -D" +
			JAASConfigFile + ", or set " + RestBasicAuthCredentialsFile}
	}
	return nil
}

// restExtensionWarnings are the warnings about REST extensions Ferry does
// not run, and about a JAAS file that enables nothing.
func (c *Config) restExtensionWarnings() []string {
	var out []string
	var ignored []string
	for _, cls := range restExtensions(c.Values) {
		if cls != BasicAuthExtensionClass {
			ignored = append(ignored, cls)
		}
	}
	if len(ignored) > 0 {
		out = append(out, "Ferry runs no Java REST extensions; ignoring "+strings.Join(ignored, ", ")+
			" (of "+RestExtensionClasses+")")
	}
	if _, set := c.Props[JAASConfigFile]; set && !basicAuthExtension(c.Values) && c.BasicAuth().CredentialsFile == "" {
		out = append(out, JAASConfigFile+" is set but "+RestExtensionClasses+" does not name "+BasicAuthExtensionClass+
			": REST requests are not authenticated")
	}
	return out
}
