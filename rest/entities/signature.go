package entities

// Headers of a signed internal request (KIP-507), as Java's
// InternalRequestSignature names them.
const (
	// SignatureHeader carries the Base64 HMAC of the raw request body.
	SignatureHeader = "X-Connect-Authorization"
	// SignatureAlgorithmHeader names the Java Mac algorithm of the HMAC,
	// e.g. "HmacSHA256".
	SignatureAlgorithmHeader = "X-Connect-Request-Signature-Algorithm"
)

// InternalRequestSignature is what a signed internal request between
// workers (POST /connectors/{c}/tasks) carried, for the herder to verify
// against the session key (Java's InternalRequestSignature). The REST layer
// builds one only when both signature headers are present; a request
// without them reaches the herder with a nil signature, which the herder
// rejects when the group requires signing ("Internal request missing
// required signature"). The REST layer checks nothing but the Base64 of
// the signature header; the algorithm and the HMAC are the herder's.
type InternalRequestSignature struct {
	// Body is the raw request body, byte for byte as received: the bytes
	// the signature covers.
	Body []byte
	// Signature is the Base64-decoded value of SignatureHeader.
	Signature []byte
	// Algorithm is the value of SignatureAlgorithmHeader, as sent.
	Algorithm string
}
