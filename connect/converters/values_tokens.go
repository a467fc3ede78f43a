package converters

import "strings"

// valuesTokenizer is Java's Values.Parser: it splits text into tokens at the
// unescaped delimiters : , { } [ ] and ", each delimiter being a token of its
// own. It keeps Java's one-token look-ahead and its mark/rewind arithmetic,
// because parseString's results depend on them.
type valuesTokenizer struct {
	original string
	index    int
	next     *string // the look-ahead token, if any
	previous *string
}

func (p *valuesTokenizer) position() int { return p.index }

func (p *valuesTokenizer) mark() int {
	if p.next != nil {
		return p.index - len(*p.next)
	}
	return p.index
}

func (p *valuesTokenizer) rewindTo(pos int) {
	p.index = pos
	p.next = nil
	p.previous = nil
}

func (p *valuesTokenizer) hasNext() bool { return p.next != nil || p.canConsumeNextToken() }

func (p *valuesTokenizer) canConsumeNextToken() bool { return p.index < len(p.original) }

func (p *valuesTokenizer) nextToken() string {
	if p.next != nil {
		p.previous = p.next
		p.next = nil
	} else {
		t := p.consumeNextToken()
		p.previous = &t
	}
	return *p.previous
}

// nextN consumes n tokens and returns the text they span, or reports false
// (consuming nothing) if there are fewer.
func (p *valuesTokenizer) nextN(n int) (string, bool) {
	start := p.mark()
	for i := 0; i != n; i++ {
		if !p.hasNext() {
			p.rewindTo(start)
			return "", false
		}
		p.nextToken()
	}
	return p.original[start:p.position()], true
}

func isValuesDelimiter(c byte) bool {
	switch c {
	case ':', ',', '{', '}', '[', ']', '"':
		return true
	}
	return false
}

func (p *valuesTokenizer) consumeNextToken() string {
	escaped := false
	start := p.index
	for p.index < len(p.original) {
		c := p.original[p.index]
		switch {
		case c == '\\':
			escaped = !escaped
		case isValuesDelimiter(c):
			if !escaped {
				if start < p.index {
					return p.original[start:p.index]
				}
				p.index++
				return p.original[start : start+1]
			}
			escaped = false
		default:
			escaped = false
		}
		p.index++
	}
	return p.original[start:p.index]
}

func (p *valuesTokenizer) previousToken() (string, bool) {
	if p.previous == nil {
		return "", false
	}
	return *p.previous, true
}

// canConsume consumes the next token if, trimmed, it equals expected; blank
// tokens before it are skipped (and lost), as in Java.
func (p *valuesTokenizer) canConsume(expected string) bool {
	if p.next == nil {
		if !p.hasNext() {
			return false
		}
		t := p.consumeNextToken()
		p.next = &t
	}
	for isBlank(*p.next) && p.canConsumeNextToken() {
		t := p.consumeNextToken()
		p.next = &t
	}
	if javaTrim(*p.next) == expected {
		p.next = nil
		return true
	}
	return false
}

// javaTrim is String.trim: it strips characters up to U+0020.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// isBlank is Kafka's Utils.isBlank.
func isBlank(s string) bool { return javaTrim(s) == "" }
