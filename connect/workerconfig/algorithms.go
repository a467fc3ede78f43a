package workerconfig

import (
	"fmt"
	"strings"
)

// macAlgorithms are the inter-worker signing algorithms Ferry can compute
// (Java Mac names for HMACs over hashes Go's standard library provides). Java
// accepts whatever its JVM's security providers offer; these are the HMACs
// every JVM ships, so configs written for Java keep working.
var macAlgorithms = []string{
	"HmacMD5",
	"HmacSHA1",
	"HmacSHA224",
	"HmacSHA256",
	"HmacSHA384",
	"HmacSHA512",
	"HmacSHA512/224",
	"HmacSHA512/256",
	"HmacSHA3-224",
	"HmacSHA3-256",
	"HmacSHA3-384",
	"HmacSHA3-512",
}

// SupportedMACAlgorithm reports whether name is an inter-worker signing
// algorithm Ferry supports. Java algorithm names are case-insensitive.
func SupportedMACAlgorithm(name string) bool {
	for _, a := range macAlgorithms {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// algorithmValidator mirrors DistributedConfig's key-generation and signature
// algorithm checks. Java's message says "by this JVM" and lists the JVM's
// algorithms; Ferry lists its own.
func algorithmValidator(v any) error {
	s, _ := v.(string)
	if SupportedMACAlgorithm(s) {
		return nil
	}
	return unsupportedAlgorithm()
}

func unsupportedAlgorithm() error {
	return fmt.Errorf("the algorithm is not supported by this worker; the supported algorithms are: [%s]",
		strings.Join(macAlgorithms, ", "))
}
