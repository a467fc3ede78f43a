// Package tlsstore reads the TLS material Java's ssl.* settings name: PEM
// files and inline PEM (with encrypted PKCS#8 keys), and PKCS12 key and
// trust stores. Real JKS files are refused with the keytool command that
// converts them. It is the one home of this reading for both users of it:
// the Kafka clients (connect/kafkaclient) and the REST listeners and
// worker-to-worker client (rest).
//
// Callers decide which settings apply and how they are named; every
// function here takes the names of the keys it reports problems under, so
// an error names the key as the caller's user wrote it and never holds a
// password, a key or a certificate.
//
// It is a leaf: the standard library, go-pkcs12 and youmark/pkcs8 only
// (decision 0007).
package tlsstore
