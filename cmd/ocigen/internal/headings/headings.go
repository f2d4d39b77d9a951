// Package headings recovers the column headings of core:OCITable elements.
//
// The OCI-P schema only states table headings in free-form documentation,
// so the generator needs a tolerant reader for that prose plus a small,
// reviewed list of corrections for text that is missing or wrong.
package headings

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Table is one element of type core:OCITable inside a complex type.
type Table struct {
	Type       string   // complexType name, or "Parent/element" path for anonymous nested types
	Element    string   // element name, e.g. "userTable"
	TypeDoc    string   // documentation text of the complex type (raw, whitespace as in the file)
	ElementDoc string   // documentation text of the element
	Siblings   []string // names of all OCITable elements of the same type, in schema order (for multi-table docs)
}

// Key is the override key for t: "Type/element".
func (t Table) Key() string { return t.Type + "/" + t.Element }

// Extract returns the AS-data-mode column headings for one table, or an
// error explaining why the text could not be read.
//
// Switchboard answers as an AS, so lists introduced for XS data mode are
// skipped, columns said to be XS-only are dropped, and AS-only columns are
// kept. Columns the text says are "also included" on request are appended:
// the generated row type has to cover every shape the table can take.
// The element's own documentation wins over the type's, because it can only
// be talking about this table.
func Extract(t Table) ([]string, error) {
	var errs []error
	if strings.TrimSpace(t.ElementDoc) != "" {
		h, err := extractDoc(t.ElementDoc, t.Element, nil)
		if err == nil {
			return h, nil
		}
		errs = append(errs, fmt.Errorf("element documentation: %w", err))
	}
	if strings.TrimSpace(t.TypeDoc) != "" {
		h, err := extractDoc(t.TypeDoc, t.Element, t.Siblings)
		if err == nil {
			return h, nil
		}
		errs = append(errs, fmt.Errorf("type documentation: %w", err))
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%s: no documentation", t.Key())
	}
	return nil, fmt.Errorf("%s: %w", t.Key(), errors.Join(errs...))
}

// candidate is one heading list found after an anchor phrase.
type candidate struct {
	start int      // start of the anchor phrase
	end   int      // just past the last list item
	items []string // headings as written
	label string   // words around the anchor that may name the table
	mode  string   // "AS", "XS" or "" when the sentence names no data mode
}

func extractDoc(doc, element string, siblings []string) ([]string, error) {
	text := normalize(doc)
	all := findLists(text)
	var cands []candidate
	for _, c := range all {
		// Switchboard emulates AS data mode, so XS-only lists never apply.
		if c.mode != "XS" {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return nil, errors.New("no column heading list found")
	}

	idx := 0
	if len(siblings) > 1 {
		var err error
		if idx, err = pickForElement(cands, element, siblings); err != nil {
			return nil, err
		}
	}
	c := cands[idx]

	// The prose that may qualify the chosen list runs until the next list
	// when several tables are described, else to the end of the text.
	regionEnd := len(text)
	if len(siblings) > 1 {
		for _, o := range all {
			if o.start > c.start && o.start < regionEnd {
				regionEnd = o.start
			}
		}
	}
	region := text[c.end:regionEnd]

	items := append([]string(nil), c.items...)
	items = append(items, extraColumns(region)...)
	items = dropXSOnly(items, region)

	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, cleanHeading(it))
	}
	if err := Validate(out); err != nil {
		return nil, err
	}
	return out, nil
}

// Validate applies the quality rules every final heading list must meet.
func Validate(h []string) error {
	if len(h) == 0 {
		return errors.New("empty heading list")
	}
	seen := make(map[string]bool, len(h))
	for i, s := range h {
		switch {
		case s == "":
			return fmt.Errorf("heading %d is empty", i+1)
		case s != strings.TrimSpace(s):
			return fmt.Errorf("heading %q is not trimmed", s)
		case strings.ContainsAny(s[:1]+s[len(s)-1:], "\"'"):
			return fmt.Errorf("heading %q keeps a quote", s)
		case strings.ContainsAny(s, "\n\t"):
			return fmt.Errorf("heading %q spans lines", s)
		case seen[s]:
			return fmt.Errorf("duplicate heading %q", s)
		}
		seen[s] = true
	}
	return nil
}

var (
	textFold    = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2018", "'", "\u2019", "'")
	mangledQuot = regexp.MustCompile(`(^|[\s,(])\?([A-Za-z][^?"\n]*?)\?([\s,.;)]|$)`)
)

// normalize makes the quoting uniform. Some files carry curly quotes that a
// past re-encoding turned into '?', e.g. ?Prefix Digits?.
func normalize(s string) string {
	s = textFold.Replace(s)
	return mangledQuot.ReplaceAllString(s, `$1"$2"$3`)
}

var (
	// anchor finds phrases that introduce a heading list.
	anchor = regexp.MustCompile(`(?i)\b(?:columns?(?:\s+head(?:ing|er)s?)?|table\s+headings?)\b`)
	// filler is what may sit between the anchor and the list itself,
	// e.g. " for the deviceUserTable are:" or " are as follows:".
	filler = regexp.MustCompile(`^(?i)(?:\s+for\s+(?:the\s+)?[A-Za-z]+(?:\s+table)?)?(?:\s+(?:are|is))?(?:\s+as\s+follows)?[ \t]*(:)?[ \t]*`)

	asMode      = regexp.MustCompile(`\b(?:AS|As)\s+data\s+mode\b|\bAS\s+mode\b`)
	xsMode      = regexp.MustCompile(`\bXS\s+(?:data\s+)?mode\b`)
	sentenceEnd = regexp.MustCompile(`[.!?]\s|\n\s*\n`)
)

func findLists(text string) []candidate {
	var out []candidate
	lastEnd := 0
	prevMode := ""
	for _, m := range anchor.FindAllStringIndex(text, -1) {
		if m[0] < lastEnd {
			continue // the anchor word sits inside an earlier list
		}
		word := strings.ToLower(text[m[0]:m[1]])
		f := filler.FindStringSubmatchIndex(text[m[1]:])
		colon := f[2] >= 0
		fill := text[m[1] : m[1]+f[1]]
		// A bare "column" is usually prose about one column ("the column
		// "X" values ..."), so it only introduces a list when followed by
		// "is"/":".
		if word == "column" && !colon && !strings.Contains(strings.ToLower(fill), "is") {
			continue
		}
		items, end, ok := parseList(text, m[1]+f[1], colon)
		if !ok {
			continue
		}
		ctxStart := sentenceStart(text, m[0])
		inherit := ctxStart < lastEnd // no sentence break since the previous list
		if ctxStart < lastEnd {
			ctxStart = lastEnd
		}
		ctx := text[ctxStart:m[0]]
		mode := modeOf(ctx)
		if mode == "" && inherit {
			mode = prevMode
		}
		out = append(out, candidate{
			start: m[0],
			end:   end,
			items: items,
			label: ctx + " " + fill,
			mode:  mode,
		})
		lastEnd, prevMode = end, mode
	}
	return out
}

func sentenceStart(text string, pos int) int {
	start := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text[:pos], -1) {
		start = m[1]
	}
	return start
}

func modeOf(ctx string) string {
	as, xs := asMode.MatchString(ctx), xsMode.MatchString(ctx)
	switch {
	case xs && !as:
		return "XS"
	case as && !xs:
		return "AS"
	}
	return ""
}

// parseList reads a heading list starting at pos. The schema's quoting is
// often broken (missing, doubled or stray quotes), so the reader repairs
// the common slips instead of trusting quote parity. Unquoted items are
// accepted only when the list itself is unquoted and introduced by a colon.
func parseList(text string, pos int, colon bool) (items []string, end int, ok bool) {
	p := &listReader{text: text, i: pos}
	p.skipSpace()
	if p.i >= len(text) {
		return nil, 0, false
	}
	switch text[p.i] {
	case '"', '\'':
		p.quote = text[p.i]
	default:
		if !colon {
			return nil, 0, false
		}
		p.bare = true
	}
	for {
		item, ok := p.item()
		if !ok {
			break
		}
		items = append(items, item)
		end = p.i
		if !p.separator() {
			break
		}
	}
	return items, end, len(items) > 0
}

type listReader struct {
	text  string
	i     int
	quote byte // quote character of this list; 0 for an unquoted list
	bare  bool // list items are not quoted at all
}

func (p *listReader) skipSpace() {
	for p.i < len(p.text) && isSpace(p.text[p.i]) {
		p.i++
	}
}

func (p *listReader) item() (string, bool) {
	for guard := 0; guard < 4; guard++ {
		p.skipSpace()
		if p.i >= len(p.text) {
			return "", false
		}
		if p.quote != 0 && p.text[p.i] == p.quote {
			s, again, ok := p.quoted()
			if again {
				continue // a stray quote pair such as `" ",` acted as a separator
			}
			return s, ok
		}
		return p.unquoted()
	}
	return "", false
}

// quoted reads a quoted item. again reports that the quotes held only
// punctuation, so reading should resume right after them.
func (p *listReader) quoted() (s string, again, ok bool) {
	open := p.i
	rel := strings.IndexByte(p.text[open+1:], p.quote)
	var content string
	closeAt := -1
	if rel < 0 {
		content = p.text[open+1:]
	} else {
		closeAt = open + 1 + rel
		content = p.text[open+1 : closeAt]
	}
	// A heading may be wrapped onto the next line ("First\n   Name"), but a
	// quote left open runs on into later prose: keep only its own line then.
	if nl := strings.IndexByte(content, '\n'); nl >= 0 {
		if wrapped := strings.Join(strings.Fields(content), " "); closeAt >= 0 &&
			strings.Count(content, "\n") == 1 && looksLikeHeading(wrapped) {
			p.i = closeAt + 1
			p.skipDoubledQuote()
			return wrapped, false, true
		}
		content = content[:nl]
		p.i = open + 1 + nl
		s = strings.TrimSpace(content)
		return s, false, looksLikeHeading(s)
	}
	if closeAt < 0 {
		p.i = len(p.text)
		s = strings.TrimSpace(content)
		return s, false, looksLikeHeading(s)
	}
	trimmed := strings.TrimSpace(content)
	if strings.Trim(trimmed, ",;. ") == "" {
		p.i = closeAt + 1
		return "", true, false
	}
	// `"Phone Numbers, "Group Id"`: the closing quote is missing, so the
	// quote we stopped at really opens the next item.
	if strings.HasSuffix(trimmed, ",") {
		p.i = closeAt
		s = strings.TrimSpace(strings.TrimSuffix(trimmed, ","))
		return s, false, looksLikeHeading(s)
	}
	p.i = closeAt + 1
	p.skipDoubledQuote()
	return trimmed, false, true
}

// skipDoubledQuote drops a quote glued to a closing one (`"Holiday Schedule"",`).
func (p *listReader) skipDoubledQuote() {
	if p.i < len(p.text) && p.text[p.i] == p.quote {
		if p.i+1 >= len(p.text) || !isWordByte(p.text[p.i+1]) {
			p.i++
		}
	}
}

// unquoted reads an item without an opening quote. In a quoted list this is
// only a missing opening quote (`, Phone Number", `), so the item must end
// at a quote.
func (p *listReader) unquoted() (string, bool) {
	start := p.i
	j := start
	for j < len(p.text) {
		c := p.text[j]
		if c == '"' || c == ',' || c == ';' || c == '\n' || (p.quote != 0 && c == p.quote) {
			break
		}
		if c == '.' && (j+1 == len(p.text) || isSpace(p.text[j+1])) {
			break
		}
		j++
	}
	s := strings.TrimSpace(p.text[start:j])
	if !looksLikeHeading(s) {
		return "", false
	}
	if p.bare {
		p.i = j
		return s, true
	}
	if j < len(p.text) && p.text[j] == p.quote {
		p.i = j + 1
		p.skipDoubledQuote()
		return s, true
	}
	return "", false
}

// separator consumes what sits between two items and reports whether the
// list continues.
func (p *listReader) separator() bool {
	p.skipSpace()
	if p.i >= len(p.text) {
		return false
	}
	switch c := p.text[p.i]; {
	case c == ',' || c == ';':
		p.i++
		p.skipSpace()
		p.skipWord("and", "or")
		return true
	case p.skipWord("and", "or", "&"):
		return true
	case !p.bare && c == p.quote:
		return true // items separated by blanks only: "Routing Policy" "Skill Level"
	}
	return false
}

func (p *listReader) skipWord(words ...string) bool {
	for _, w := range words {
		n := p.i + len(w)
		if n < len(p.text) && strings.EqualFold(p.text[p.i:n], w) && isSpace(p.text[n]) {
			p.i = n
			p.skipSpace()
			return true
		}
	}
	return false
}

// looksLikeHeading rejects prose swallowed by a broken quote.
func looksLikeHeading(s string) bool {
	if s == "" || strings.ContainsAny(s, ":\"") {
		return false
	}
	if len(strings.Fields(s)) > 8 {
		return false
	}
	r := []rune(s)[0]
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

var (
	alsoIncluded = regexp.MustCompile(`(?i)following\s+columns\s+are\s+also\s+included\s*:`)
	finally      = regexp.MustCompile(`\bFinally\s*,?\s*`)
)

// extraColumns returns the optional columns some directory responses add
// when extended information is requested. They are part of the table's
// possible shape, so the generated row type must know them.
func extraColumns(region string) []string {
	var out []string
	if m := alsoIncluded.FindStringIndex(region); m != nil {
		if items, end, ok := parseList(region, m[1], true); ok {
			out = append(out, items...)
			rest := region[end:]
			rest = strings.TrimLeft(rest, " \t\n.")
			if f := finally.FindStringIndex(rest); f != nil && f[0] == 0 {
				if items, _, ok := parseList(rest, f[1], false); ok {
					out = append(out, items...)
				}
			}
		}
	}
	return out
}

// xsOnly finds statements that some columns exist only in XS data mode.
var xsOnly = regexp.MustCompile(`(?i:only\s+(?:returned|used|populated|supported|present)\s+in\s+)XS\s+(?:data\s+)?mode|XS\s+(?:data\s+)?mode\s+only|(?i:not\s+returned\s+in\s+)AS\s+(?:data\s+)?mode`)

// dropXSOnly removes columns the text says are XS-only. Items after the
// statement are matched against the known headings, because one schema
// sentence lists them without quotes.
func dropXSOnly(items []string, region string) []string {
	drop := map[string]bool{}
	for _, m := range xsOnly.FindAllStringIndex(region, -1) {
		ss := sentenceStart(region, m[0])
		if !strings.Contains(strings.ToLower(region[ss:m[0]]), "column") {
			continue // about elements, not columns
		}
		colon := strings.IndexByte(region[m[1]:], ':')
		if colon < 0 || colon > 60 {
			continue
		}
		for _, h := range namedAfter(region[m[1]+colon+1:], items) {
			drop[strings.ToLower(h)] = true
		}
	}
	if len(drop) == 0 {
		return items
	}
	var out []string
	for _, it := range items {
		if !drop[strings.ToLower(cleanHeading(it))] {
			out = append(out, it)
		}
	}
	return out
}

// namedAfter returns the known headings listed at the start of s, quoted or not.
func namedAfter(s string, known []string) []string {
	byLen := append([]string(nil), known...)
	sort.Slice(byLen, func(i, j int) bool { return len(byLen[i]) > len(byLen[j]) })
	var out []string
	i := 0
	for {
		for i < len(s) && (isSpace(s[i]) || s[i] == ',' || s[i] == ';' || s[i] == '"') {
			i++
		}
		if w := strings.ToLower(s[i:min(i+4, len(s))]); strings.HasPrefix(w, "and ") || strings.HasPrefix(w, "or ") {
			i += strings.IndexByte(w, ' ') + 1
			continue
		}
		found := ""
		for _, k := range byLen {
			k = cleanHeading(k)
			n := i + len(k)
			if n <= len(s) && strings.EqualFold(s[i:n], k) && (n == len(s) || !isWordByte(s[n])) {
				found = k
				break
			}
		}
		if found == "" {
			return out
		}
		out = append(out, found)
		i += len(found)
	}
}

// pickForElement chooses which list describes element when one type holds
// several tables, by comparing the words near each list's anchor with the
// words of the element names.
func pickForElement(cands []candidate, element string, siblings []string) (int, error) {
	// Words every sibling shares ("service", "authorization") say nothing
	// about which table is meant, so matches on the other words count first.
	common := words(siblings[0])
	for _, s := range siblings[1:] {
		w := words(s)
		for k := range common {
			if !w[k] {
				delete(common, k)
			}
		}
	}
	score := func(c candidate, el string) fit {
		lw, ew := words(c.label), words(el)
		f := fit{sim: overlap(lw, ew)}
		for w := range ew {
			if lw[w] && !common[w] {
				f.distinct++
			}
		}
		return f
	}
	if len(cands) == 1 {
		// One list for several tables ("every agent table ..."): it is
		// shared unless its wording names a different table.
		own := score(cands[0], element)
		for _, s := range siblings {
			if s != element && own.less(score(cands[0], s)) {
				return 0, fmt.Errorf("the only heading list describes %s, not %s", s, element)
			}
		}
		return 0, nil
	}
	best, bestFit, tie := -1, fit{}, false
	for i, c := range cands {
		f := score(c, element)
		switch {
		case bestFit.less(f):
			best, bestFit, tie = i, f, false
		case f == bestFit && !f.zero():
			tie = true
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%d heading lists but none names %s", len(cands), element)
	}
	if tie {
		return 0, fmt.Errorf("several heading lists match %s equally", element)
	}
	// The list must also fit this element better than any sibling, or two
	// tables would claim it.
	for _, s := range siblings {
		if s != element && bestFit.less(score(cands[best], s)) {
			return 0, fmt.Errorf("heading list for %s fits %s better", element, s)
		}
	}
	return best, nil
}

// fit ranks how well a list's label names a table.
type fit struct {
	distinct int     // element words, not shared by all siblings, found in the label
	sim      float64 // Jaccard similarity of all words, as a tie-breaker
}

func (f fit) zero() bool { return f.distinct == 0 && f.sim == 0 }

func (f fit) less(g fit) bool {
	if f.distinct != g.distinct {
		return f.distinct < g.distinct
	}
	return f.sim < g.sim
}

var stopWords = map[string]bool{
	"the": true, "a": true, "an": true, "table": true, "column": true, "heading": true,
	"header": true, "for": true, "are": true, "is": true, "has": true, "have": true, "its": true,
	"with": true, "following": true, "as": true, "follow": true, "of": true, "each": true,
	"contain": true, "and": true, "it": true, "in": true, "response": true, "row": true,
}

// words splits prose and camelCase names into comparable lowercase stems.
func words(s string) map[string]bool {
	var parts []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, unicode.ToLower(r))
		default:
			cur = append(cur, unicode.ToLower(r))
		}
	}
	flush()
	out := map[string]bool{}
	for _, w := range parts {
		if len(w) > 3 && strings.HasSuffix(w, "s") {
			w = strings.TrimSuffix(w, "s")
		}
		if len(w) < 2 || stopWords[w] {
			continue
		}
		out[w] = true
	}
	return out
}

// overlap is the Jaccard similarity of two word sets.
func overlap(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

// cleanHeading trims blanks and stray quotes and folds inner whitespace.
func cleanHeading(s string) string {
	s = strings.Trim(s, " \t\n\"'")
	return strings.Join(strings.Fields(s), " ")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
