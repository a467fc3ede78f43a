package kafkaclient

import (
	"maps"
	"testing"
)

// TestParseJAAS: values and errors as Kafka 4.3.1's JaasConfig gives them
// for the same input (recorded from Java).
func TestParseJAAS(t *testing.T) {
	cases := []struct {
		in      string
		module  string
		options map[string]string
		err     string
	}{
		{in: `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a\"b\\c";`,
			module: "org.apache.kafka.common.security.plain.PlainLoginModule", options: map[string]string{"username": "alice", "password": `a"b\c`}},
		{in: `org.a.B required username=bob password=pw;`, module: "org.a.B", options: map[string]string{"username": "bob", "password": "pw"}},
		{in: `org.a.B required;`, module: "org.a.B", options: map[string]string{}},
		{in: `org.a.B Required username=x;`, module: "org.a.B", options: map[string]string{"username": "x"}},
		{in: `org.a.B required username="a b" password="p=q;r";`, module: "org.a.B", options: map[string]string{"username": "a b", "password": "p=q;r"}},
		{in: `org.a.B required user-name=x;`, module: "org.a.B", options: map[string]string{"user-name": "x"}},
		{in: `org.a.B required username='x';`, module: "org.a.B", options: map[string]string{"username": "x"}},
		{in: `org.a.B required u="x" /* c */ p="y";`, module: "org.a.B", options: map[string]string{"u": "x", "p": "y"}},
		{in: "org.a.B required u=\"x\" // c\n p=\"y\";", module: "org.a.B", options: map[string]string{"u": "x", "p": "y"}},
		{in: `org.a.B required u="\n\t";`, module: "org.a.B", options: map[string]string{"u": "\n\t"}},
		{in: `org.a.B required username="x"`, err: "JAAS config entry not terminated by semi-colon"},
		{in: `org.a.B maybe username="x";`, err: "Invalid login module control flag 'maybe' in JAAS config"},
		{in: `org.a.B required username;`, err: "Value not specified for key 'username' in JAAS config"},
		{in: `org.a.B required username=x password=;`, err: "Value not specified for key 'password' in JAAS config"},
		{in: `org.a.B required u=a.b-c@d;`, err: "Value not specified for key 'null' in JAAS config"},
		{in: ``, err: "Login module not specified in JAAS config"},
		// Clients take exactly one module (JaasContext.loadClientContext).
		{in: `org.a.B required username="x"; org.a.C required;`, err: "JAAS config property contains 2 login modules, should be 1 module"},
	}
	for _, tc := range cases {
		e, err := parseJAAS(tc.in)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v; want %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case e.module != tc.module || e.flag == "" || !maps.Equal(e.options, tc.options):
			t.Errorf("%q: module %q flag %q options %q; want %q %q", tc.in, e.module, e.flag, e.options, tc.module, tc.options)
		}
	}
}
