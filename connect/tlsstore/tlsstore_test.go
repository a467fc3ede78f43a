package tlsstore

import (
	"strings"
	"testing"
)

// TestFormat: how each declared type reads each kind of file. The callers'
// tests (connect/kafkaclient, rest) cover the loading itself.
func TestFormat(t *testing.T) {
	pemData := []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	jksData := []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}
	other := []byte{0x30, 0x82, 0x01, 0x00}
	for _, tc := range []struct {
		typ     string
		data    []byte
		want    string
		wantErr string
	}{
		{"PEM", pemData, PEM, ""},
		{" pem ", pemData, PEM, ""},
		{"PEM", other, "", "loc: not a PEM file, but typ is PEM"},
		{"PKCS12", other, PKCS12, ""},
		{"JKS", other, PKCS12, ""},
		{"", other, PKCS12, ""},
		{"JKS", jksData, "", "loc is a JKS key store, which Ferry cannot read: convert it to PKCS12 (keytool -importkeystore"},
		{"PKCS12", pemData, "", "loc is a PEM file: set typ=PEM"},
	} {
		got, err := Format(tc.typ, tc.data, "typ", "loc")
		switch {
		case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want %q...", tc.typ, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %q, %v; want %q", tc.typ, got, err, tc.want)
		}
	}
}

func TestPEMPoolWithoutCertificate(t *testing.T) {
	if _, err := PEMPool([]byte("junk"), "ssl.truststore.certificates"); err == nil ||
		err.Error() != "ssl.truststore.certificates: no PEM certificate found" {
		t.Errorf("error %v", err)
	}
}
