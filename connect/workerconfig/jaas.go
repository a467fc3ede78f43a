package workerconfig

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// JAAS configuration files, as Java Connect's basic-auth extension reads
// them (the JDK's ConfigFile syntax):
//
//	KafkaConnect {
//	  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
//	  file="/etc/kafka/connect.password";
//	};
//
// Entries are "Name { modules };", a module is "class flag option=value
// ... ;", values are quoted (backslash escapes the next character) or
// bare words, and //, /* */ and # comments are allowed. Ferry reads only
// the KafkaConnect entry, which must hold exactly one PropertyFileLoginModule
// (Java's LoginContext would combine several modules by their flags).
// ${property} references are not expanded.

// PropertyFileLoginModuleClass is Connect's credentials-file login module.
const PropertyFileLoginModuleClass = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule"

// jaasEntry is the JAAS entry Connect's basic-auth filter logs in with.
const jaasEntry = "KafkaConnect"

type jaasModule struct {
	class, flag string
	options     map[string]string
}

// CredentialsFileFromJAAS reads the JAAS file at path and returns the file
// option of the PropertyFileLoginModule of its KafkaConnect entry.
func CredentialsFileFromJAAS(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", JAASConfigFile, err)
	}
	entries, err := parseJAAS(string(data))
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", JAASConfigFile, path, err)
	}
	modules, ok := entries[jaasEntry]
	if !ok {
		return "", fmt.Errorf("%s %s: No LoginModules configured for %s", JAASConfigFile, path, jaasEntry)
	}
	if len(modules) != 1 || modules[0].class != PropertyFileLoginModuleClass {
		var classes []string
		for _, m := range modules {
			classes = append(classes, m.class)
		}
		return "", fmt.Errorf("%s %s: the %s entry has login modules [%s]; Ferry supports exactly one, %s",
			JAASConfigFile, path, jaasEntry, strings.Join(classes, ", "), PropertyFileLoginModuleClass)
	}
	file := modules[0].options["file"]
	if strings.TrimSpace(file) == "" {
		return "", fmt.Errorf("%s %s: Property Credentials file must be specified", JAASConfigFile, path)
	}
	return file, nil
}

// parseJAAS parses a JAAS configuration into its entries' modules.
func parseJAAS(text string) (map[string][]jaasModule, error) {
	toks, err := jaasTokens(text)
	if err != nil {
		return nil, err
	}
	p := &jaasParser{toks: toks}
	entries := map[string][]jaasModule{}
	for !p.done() {
		name, err := p.word("an entry name")
		if err != nil {
			return nil, err
		}
		if err := p.symbol("{"); err != nil {
			return nil, err
		}
		var modules []jaasModule
		for !p.peek("}") {
			m, err := p.module()
			if err != nil {
				return nil, err
			}
			modules = append(modules, m)
		}
		_ = p.symbol("}")
		if err := p.symbol(";"); err != nil {
			return nil, err
		}
		if _, dup := entries[name]; dup {
			return nil, fmt.Errorf("entry %s is defined twice", name)
		}
		entries[name] = modules
	}
	return entries, nil
}

// jaasToken is a word, a quoted string or one of { } ; =.
type jaasToken struct {
	text   string
	quoted bool
}

func jaasTokens(s string) ([]jaasToken, error) {
	var out []jaasToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f':
			i++
		case c == '#' || strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, errors.New("unterminated /* comment")
			}
			i += end + 4
		case strings.IndexByte("{};=", c) >= 0:
			out = append(out, jaasToken{text: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated quoted string")
			}
			i++
			out = append(out, jaasToken{text: b.String(), quoted: true})
		default:
			start := i
			for i < len(s) && strings.IndexByte(" \t\r\n\f{};=\"", s[i]) < 0 {
				i++
			}
			out = append(out, jaasToken{text: s[start:i]})
		}
	}
	return out, nil
}

type jaasParser struct {
	toks []jaasToken
	pos  int
}

func (p *jaasParser) done() bool { return p.pos >= len(p.toks) }

func (p *jaasParser) peek(sym string) bool {
	return !p.done() && !p.toks[p.pos].quoted && p.toks[p.pos].text == sym
}

func (p *jaasParser) symbol(sym string) error {
	if !p.peek(sym) {
		return fmt.Errorf("expected %q, found %s", sym, p.describe())
	}
	p.pos++
	return nil
}

func (p *jaasParser) word(what string) (string, error) {
	if p.done() || p.toks[p.pos].quoted || strings.Contains("{};=", p.toks[p.pos].text) {
		return "", fmt.Errorf("expected %s, found %s", what, p.describe())
	}
	p.pos++
	return p.toks[p.pos-1].text, nil
}

func (p *jaasParser) describe() string {
	if p.done() {
		return "the end of the file"
	}
	return fmt.Sprintf("%q", p.toks[p.pos].text)
}

// module parses "class flag name=value ... ;".
func (p *jaasParser) module() (jaasModule, error) {
	class, err := p.word("a login module class")
	if err != nil {
		return jaasModule{}, err
	}
	flag, err := p.word("a control flag")
	if err != nil {
		return jaasModule{}, err
	}
	switch strings.ToLower(flag) {
	case "required", "requisite", "sufficient", "optional":
	default:
		return jaasModule{}, fmt.Errorf("login module %s: invalid control flag %q", class, flag)
	}
	m := jaasModule{class: class, flag: strings.ToLower(flag), options: map[string]string{}}
	for !p.peek(";") {
		name, err := p.word("an option name")
		if err != nil {
			return jaasModule{}, err
		}
		if err := p.symbol("="); err != nil {
			return jaasModule{}, err
		}
		if p.done() || (!p.toks[p.pos].quoted && strings.Contains("{};=", p.toks[p.pos].text)) {
			return jaasModule{}, fmt.Errorf("option %s: expected a value, found %s", name, p.describe())
		}
		m.options[name] = p.toks[p.pos].text
		p.pos++
	}
	_ = p.symbol(";")
	return m, nil
}
