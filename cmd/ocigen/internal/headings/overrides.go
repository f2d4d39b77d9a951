package headings

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Overrides holds reviewed corrections: "Type/element" -> headings.
// LoadOverrides parses the file format below.
//
// One entry per line:
//
//	TypeName/elementName: "Heading 1", "Heading 2"  # what the documentation gets wrong
//
// Blank lines and lines starting with '#' are ignored. The trailing reason is
// mandatory so that every correction stays explainable.
type Overrides map[string][]string

var overrideKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)+$`)

// LoadOverrides parses an override file.
func LoadOverrides(r io.Reader) (Overrides, error) {
	o := Overrides{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		key, rest, ok := strings.Cut(s, ":")
		key = strings.TrimSpace(key)
		if !ok || !overrideKey.MatchString(key) {
			return nil, fmt.Errorf("line %d: want `Type/element: \"Heading\", ...  # reason`", line)
		}
		h, reason, err := parseOverrideValue(rest)
		if err != nil {
			return nil, fmt.Errorf("line %d (%s): %w", line, key, err)
		}
		if reason == "" {
			return nil, fmt.Errorf("line %d (%s): missing trailing `# reason` comment", line, key)
		}
		if err := Validate(h); err != nil {
			return nil, fmt.Errorf("line %d (%s): %w", line, key, err)
		}
		if _, dup := o[key]; dup {
			return nil, fmt.Errorf("line %d: duplicate entry for %s", line, key)
		}
		o[key] = h
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return o, nil
}

// parseOverrideValue reads `"A", "B"  # reason`. Quoted strings have no
// escapes; a '#' inside quotes belongs to the heading.
func parseOverrideValue(s string) (headings []string, reason string, err error) {
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for {
		skip()
		if i >= len(s) || s[i] != '"' {
			return nil, "", fmt.Errorf("expected a quoted heading at column %d", i+1)
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return nil, "", fmt.Errorf("unterminated quote at column %d", i+1)
		}
		headings = append(headings, s[i+1:i+1+end])
		i += end + 2
		skip()
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		break
	}
	if i < len(s) {
		if s[i] != '#' {
			return nil, "", fmt.Errorf("unexpected %q after the headings", s[i:])
		}
		reason = strings.TrimSpace(s[i+1:])
	}
	return headings, reason, nil
}

// Resolve = override if present, else Extract.
func (o Overrides) Resolve(t Table) ([]string, error) {
	if h, ok := o[t.Key()]; ok {
		if err := Validate(h); err != nil {
			return nil, fmt.Errorf("%s: override: %w", t.Key(), err)
		}
		return append([]string(nil), h...), nil
	}
	return Extract(t)
}
