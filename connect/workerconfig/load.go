package workerconfig

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/magiconair/properties"
)

// Load reads a Java .properties file as Java's Properties.load(InputStream)
// does, which is how connect-distributed.sh reads worker.properties:
// ISO-8859-1 text, "#" and "!" comments, key=value, key:value and
// "key value" lines, backslash line continuations and \uXXXX escapes.
//
// Values are returned verbatim: ${...} is not expanded, because Connect's
// config-provider references (${file:/path:key}) are resolved by Parse with
// the file's config.providers, not as the library's expansion.
//
// A missing, unreadable or malformed file gives one error line naming the
// file (and the line, for syntax errors); the file-system error is wrapped.
func Load(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read worker properties %s: %w", path, err)
	}
	props, err := parseProperties(data)
	if err != nil {
		return nil, fmt.Errorf("invalid worker properties %s: %w", path, err)
	}
	return props, nil
}

var libLinePrefix = regexp.MustCompile(`^properties: Line (\d+): `)

// parseProperties parses the content of a .properties file read as
// ISO-8859-1 (Properties.load(InputStream)).
func parseProperties(data []byte) (map[string]string, error) {
	return parsePropertiesAs(data, properties.ISO_8859_1)
}

// parsePropertiesAs parses the content of a .properties file in the given
// encoding.
func parsePropertiesAs(data []byte, enc properties.Encoding) (map[string]string, error) {
	// Java reads the bytes as ISO-8859-1, so a UTF-8 byte-order mark would
	// become part of the first key; drop it instead.
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	// Java treats \r\n, \r and \n alike as line ends; the library handles
	// a continuation before \r\n wrongly, so normalise first. A raw CR can
	// only ever be a line end, so this changes no value.
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	data = dropTrailingBackslash(data)
	data = blankEmptyKeyLines(data)

	l := &properties.Loader{Encoding: enc, DisableExpansion: true}
	p, err := l.LoadBytes(data)
	if err != nil {
		msg := libLinePrefix.ReplaceAllString(err.Error(), "line $1: ")
		return nil, fmt.Errorf("%s", strings.TrimPrefix(msg, "properties: "))
	}
	out := make(map[string]string, p.Len())
	for _, k := range p.Keys() {
		v, _ := p.Get(k)
		out[k] = v
	}
	return out, nil
}

// blankEmptyKeyLines blanks the logical lines whose key is empty ("=value",
// ": value"). Java stores them under the key "", which no Connect key
// matches; the library rejects them, and leaves its lexer goroutine blocked
// when it does. Blanking keeps the line numbers of later errors right.
func blankEmptyKeyLines(data []byte) []byte {
	lines := bytes.Split(data, []byte("\n"))
	continued, blanking := false, false
	for i, line := range lines {
		trimmed := bytes.TrimLeft(line, " \t\f")
		isStart := !continued
		if isStart {
			blanking = len(trimmed) > 0 && (trimmed[0] == '=' || trimmed[0] == ':')
			if len(trimmed) > 0 && (trimmed[0] == '#' || trimmed[0] == '!') {
				continued = false
				continue // comments never continue
			}
		}
		continued = endsWithOddBackslashes(line) && (!isStart || len(trimmed) > 0)
		if blanking {
			lines[i] = nil
		}
	}
	return bytes.Join(lines, []byte("\n"))
}

func endsWithOddBackslashes(line []byte) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// dropTrailingBackslash removes a continuation backslash that ends the file:
// Java ignores it, the library reports a premature end of file.
func dropTrailingBackslash(data []byte) []byte {
	n := 0
	for i := len(data) - 1; i >= 0 && data[i] == '\\'; i-- {
		n++
	}
	if n%2 == 1 {
		return data[:len(data)-1]
	}
	return data
}

// ParseProperties parses the content of a Java .properties file, as Load
// does (the REST server reads its credentials file with it).
func ParseProperties(data []byte) (map[string]string, error) { return parseProperties(data) }

// ParsePropertiesUTF8 parses the content of a Java .properties file read
// as UTF-8 (Properties.load(Reader) over a UTF-8 reader), which is how
// Java's FileConfigProvider reads the files ${file:path:key} names.
func ParsePropertiesUTF8(data []byte) (map[string]string, error) {
	return parsePropertiesAs(data, properties.UTF8)
}
