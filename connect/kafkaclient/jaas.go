package kafkaclient

import (
	"errors"
	"fmt"
	"strings"
)

// jaasEntry is one login module of a sasl.jaas.config value.
type jaasEntry struct {
	module  string
	flag    string
	options map[string]string
}

// parseJAAS reads a sasl.jaas.config value the way Kafka's JaasConfig does
// (a java.io.StreamTokenizer): "<LoginModule class> <flag> key=value ...;"
// for each module, values bare or quoted with " or ' (with backslash
// escapes), and // or /* */ comments. Clients use exactly one module
// (JaasContext.loadClientContext). Errors are Java's texts and never hold a
// value.
func parseJAAS(s string) (jaasEntry, error) {
	tz := &jaasTokenizer{s: s}
	var entries []jaasEntry
	for {
		tok, ok, err := tz.next()
		if err != nil {
			return jaasEntry{}, err
		}
		if !ok {
			break
		}
		if tok.quoted || !tok.word {
			return jaasEntry{}, errors.New("Login module not specified in JAAS config")
		}
		e := jaasEntry{module: tok.text, options: map[string]string{}}
		flag, ok, err := tz.next()
		if err != nil {
			return jaasEntry{}, err
		}
		if !ok || !flag.word {
			return jaasEntry{}, errors.New("Login module control flag not specified in JAAS config")
		}
		switch f := strings.ToLower(flag.text); f {
		case "required", "requisite", "sufficient", "optional":
			e.flag = f
		default:
			return jaasEntry{}, fmt.Errorf("Invalid login module control flag '%s' in JAAS config", flag.text)
		}
		for {
			key, ok, err := tz.next()
			if err != nil {
				return jaasEntry{}, err
			}
			if !ok {
				return jaasEntry{}, errors.New("JAAS config entry not terminated by semi-colon")
			}
			if !key.word && !key.quoted && key.text == ";" {
				break
			}
			name := key.text
			if !key.word {
				name = "null" // Java's text for a key that is not a word
			}
			eq, ok, err := tz.next()
			if err != nil {
				return jaasEntry{}, err
			}
			if !ok || eq.word || eq.quoted || eq.text != "=" {
				return jaasEntry{}, fmt.Errorf("Value not specified for key '%s' in JAAS config", name)
			}
			val, ok, err := tz.next()
			if err != nil {
				return jaasEntry{}, err
			}
			if !ok || (!val.word && !val.quoted) || !key.word {
				return jaasEntry{}, fmt.Errorf("Value not specified for key '%s' in JAAS config", name)
			}
			e.options[name] = val.text
		}
		entries = append(entries, e)
	}
	switch len(entries) {
	case 0:
		return jaasEntry{}, errors.New("Login module not specified in JAAS config")
	case 1:
		return entries[0], nil
	}
	return jaasEntry{}, fmt.Errorf("JAAS config property contains %d login modules, should be 1 module", len(entries))
}

// jaasToken is a word, a quoted string, or one other character.
type jaasToken struct {
	text         string
	word, quoted bool
}

type jaasTokenizer struct {
	s   string
	pos int
}

// isWordChar: StreamTokenizer's letters and digits, the number characters
// '.' and '-', and the '_' and '$' JaasConfig adds.
func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '-' || c == '_' || c == '$' || c >= 0xa0
}

func (t *jaasTokenizer) next() (jaasToken, bool, error) {
	for t.pos < len(t.s) {
		c := t.s[t.pos]
		switch {
		case c <= ' ':
			t.pos++
		case strings.HasPrefix(t.s[t.pos:], "//"):
			if i := strings.IndexByte(t.s[t.pos:], '\n'); i >= 0 {
				t.pos += i + 1
			} else {
				t.pos = len(t.s)
			}
		case strings.HasPrefix(t.s[t.pos:], "/*"):
			if i := strings.Index(t.s[t.pos+2:], "*/"); i >= 0 {
				t.pos += i + 4
			} else {
				t.pos = len(t.s)
			}
		case c == '"' || c == '\'':
			return t.quoted(c)
		case isWordChar(c):
			start := t.pos
			for t.pos < len(t.s) && isWordChar(t.s[t.pos]) {
				t.pos++
			}
			return jaasToken{text: t.s[start:t.pos], word: true}, true, nil
		default:
			t.pos++
			return jaasToken{text: string(c)}, true, nil
		}
	}
	return jaasToken{}, false, nil
}

// quoted reads a quoted string up to the closing quote or the end of the
// line, with StreamTokenizer's escapes.
func (t *jaasTokenizer) quoted(q byte) (jaasToken, bool, error) {
	var b strings.Builder
	t.pos++
	for t.pos < len(t.s) {
		c := t.s[t.pos]
		t.pos++
		switch {
		case c == q, c == '\n', c == '\r':
			return jaasToken{text: b.String(), quoted: true}, true, nil
		case c == '\\' && t.pos < len(t.s):
			e := t.s[t.pos]
			t.pos++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'a':
				b.WriteByte('\a')
			case 'v':
				b.WriteByte('\v')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return jaasToken{text: b.String(), quoted: true}, true, nil
}
