package mirrorclient

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// MirrorMaker's heartbeat and checkpoint records are built from Kafka's
// protocol types (org.apache.kafka.common.protocol.types), the same types
// the Kafka wire protocol uses:
//
//	INT16, INT32, INT64  big-endian two's complement
//	STRING               INT16 byte length, then that many UTF-8 bytes
//
// A record key is a bare struct of such fields; a record value is an INT16
// version header followed by the struct of that version. Fields follow one
// another with no padding or tags. Reading, as Java's Schema.read, ignores
// any bytes after the last field.
//
// Strings are copied byte for byte both ways: Go strings that are not valid
// UTF-8 are written as they are, and read strings are not checked (Java
// would turn a malformed sequence into U+FFFD when reading, and refuses
// nothing when writing since its strings are always encodable).

// maxStringLength is the longest STRING the INT16 length prefix can hold.
const maxStringLength = math.MaxInt16

// ErrStringTooLong is wrapped by the RecordKey and RecordValue errors of a
// record holding a string longer than 32767 bytes, which a STRING field
// cannot carry.
var ErrStringTooLong = errors.New("is larger than the maximum string length")

// ErrCorruptRecord is wrapped by every DecodeHeartbeat and DecodeCheckpoint
// error: the bytes are not a record of that kind.
var ErrCorruptRecord = errors.New("corrupt record")

// appendString appends s as a STRING field. record and field name what is
// being written for the error.
func appendString(b []byte, record, field, s string) ([]byte, error) {
	if len(s) > maxStringLength {
		// Java's Type.STRING says "String length N is larger than the
		// maximum string length."
		return nil, fmt.Errorf("%s: field '%s': string length %d %w (%d bytes)",
			record, field, len(s), ErrStringTooLong, maxStringLength)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...), nil
}

func appendInt16(b []byte, v int16) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }

func appendInt32(b []byte, v int32) []byte { return binary.BigEndian.AppendUint32(b, uint32(v)) }

func appendInt64(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

// decodeError says what could not be read: which record part ("checkpoint
// key"), which field, at which byte, and why.
type decodeError struct {
	record string
	field  string
	offset int
	reason string
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("%s: %s: error reading field '%s' at byte %d: %s",
		e.record, ErrCorruptRecord, e.field, e.offset, e.reason)
}

func (e *decodeError) Unwrap() error { return ErrCorruptRecord }

// recordReader reads protocol-type fields from one record key or value.
type recordReader struct {
	record string // "heartbeat key", "checkpoint value", ... for errors
	buf    []byte
	pos    int
}

func newRecordReader(record string, buf []byte) *recordReader {
	return &recordReader{record: record, buf: buf}
}

func (r *recordReader) fail(field, format string, args ...any) error {
	return &decodeError{record: r.record, field: field, offset: r.pos, reason: fmt.Sprintf(format, args...)}
}

// take returns the next n bytes, or an error naming field when fewer are
// left. typ names the protocol type for the message.
func (r *recordReader) take(field, typ string, n int) ([]byte, error) {
	if left := len(r.buf) - r.pos; left < n {
		return nil, r.fail(field, "%s needs %d bytes, only %d available", typ, n, left)
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

func (r *recordReader) int16(field string) (int16, error) {
	b, err := r.take(field, "INT16", 2)
	if err != nil {
		return 0, err
	}
	return int16(binary.BigEndian.Uint16(b)), nil
}

func (r *recordReader) int32(field string) (int32, error) {
	b, err := r.take(field, "INT32", 4)
	if err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(b)), nil
}

func (r *recordReader) int64(field string) (int64, error) {
	b, err := r.take(field, "INT64", 8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

func (r *recordReader) string(field string) (string, error) {
	start := r.pos
	lb, err := r.take(field, "STRING length", 2)
	if err != nil {
		return "", err
	}
	n := int16(binary.BigEndian.Uint16(lb))
	if n < 0 {
		r.pos = start
		return "", r.fail(field, "string length %d cannot be negative", n)
	}
	if left := len(r.buf) - r.pos; int(n) > left {
		r.pos = start
		return "", r.fail(field, "string of length %d, only %d bytes available", n, left)
	}
	b := r.buf[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return string(b), nil
}
