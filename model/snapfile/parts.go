package snapfile

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// A snapshot of more than one account and region is written in parts
// (schema model.SchemaVersion, 2): the header (schema, takenAt, source,
// tool, description, scopes, gaps, flowLogsListed) and then
//
//	"parts": [{"account": "111122223333", "region": "us-east-1", "vpcs": [...], ...}, ...]
//
// one part per account and region the resources name (AWS-managed prefix
// lists, which name no account, in a part of their own per region), each
// holding that scope's resource lists, on one line. Parts are encoded
// and decoded in parallel. A snapshot of one scope is written as schema 1, the flat
// layout every vpcscope version reads; readers take both.

// schemaFlat is the schema of the flat layout.
const schemaFlat = 1

// part is one account and region of a snapshot in parts.
type part struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	model.Snapshot
}

// header is what a snapshot in parts holds besides its parts.
type header struct {
	Schema         int                 `json:"schema"`
	TakenAt        any                 `json:"takenAt,omitempty"`
	Source         string              `json:"source,omitempty"`
	Tool           string              `json:"tool,omitempty"`
	Description    string              `json:"description,omitempty"`
	Scopes         []model.Scope       `json:"scopes,omitempty"`
	Gaps           []model.Gap         `json:"gaps,omitempty"`
	Placeholders   []string            `json:"placeholders,omitempty"`
	FlowLogsListed bool                `json:"flowLogsListed,omitempty"`
	WebACLsListed  bool                `json:"webAclsListed,omitempty"`
	Shield         []model.ShieldState `json:"shield,omitempty"`
}

// splitParts returns the snapshot's resources by account and region,
// sorted.
func splitParts(s *model.Snapshot) []*part {
	by := map[model.Scope]*part{}
	for r := range s.All() {
		m := r.Base()
		k := model.Scope{Account: m.Account, Region: m.Region}
		p := by[k]
		if p == nil {
			p = &part{Account: k.Account, Region: k.Region}
			by[k] = p
		}
		// Add fails only for types a snapshot cannot hold; All yields none.
		_ = p.Add(r)
	}
	out := make([]*part, 0, len(by))
	for _, p := range by {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *part) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return out
}

// encodeParts writes s in parts, encoding the parts in parallel.
func encodeParts(w io.Writer, s *model.Snapshot, parts []*part) error {
	h := header{Schema: model.SchemaVersion, Source: s.Source, Tool: s.Tool, Description: s.Description,
		Scopes: s.Scopes, Gaps: s.Gaps, Placeholders: s.Placeholders, FlowLogsListed: s.FlowLogsListed, WebACLsListed: s.WebACLsListed, Shield: s.Shield}
	if !s.TakenAt.IsZero() {
		h.TakenAt = s.TakenAt
	}
	head, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	bodies := make([][]byte, len(parts))
	errs := make([]error, len(parts))
	parallel(len(parts), func(i int) {
		// One line per part: a third smaller than indented, and as quick
		// to read back.
		bodies[i], errs[i] = json.Marshal(parts[i])
	})
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	var out bytes.Buffer
	out.Write(bytes.TrimSuffix(head, []byte("\n}")))
	out.WriteString(",\n  \"parts\": [\n    ")
	for i, b := range bodies {
		if i > 0 {
			out.WriteString(",\n    ")
		}
		out.Write(b)
	}
	out.WriteString("\n  ]\n}\n")
	if _, err := w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// isParts reports whether a document's start (its first bytes) declares
// the parts layout: Encode writes the schema first.
func isParts(start []byte) bool {
	i := bytes.Index(start, []byte(`"schema"`))
	if i < 0 {
		return false
	}
	rest := bytes.TrimLeft(start[i+len(`"schema"`):], " \t\r\n:")
	return len(rest) > 0 && rest[0] >= '2' && rest[0] <= '9'
}

// errNotFast sends a document to the careful sequential decoder.
var errNotFast = errors.New("snapfile: not for the parallel decoder")

// decodeParallel decodes a snapshot in parts held in memory, its parts in
// parallel. Any problem (bad JSON, a missing ID, a conflict) returns
// errNotFast: the sequential decoder then says where it is.
func decodeParallel(data []byte) (*model.Snapshot, error) {
	head, elems, ok := splitDocument(data)
	if !ok {
		return nil, errNotFast
	}
	s := &model.Snapshot{}
	if err := json.Unmarshal(head, s); err != nil || s.Schema < 2 || s.Schema > model.SchemaVersion {
		return nil, errNotFast
	}
	parts := make([]*part, len(elems))
	failed := make([]bool, len(elems))
	parallel(len(elems), func(i int) {
		p := new(part)
		if err := jsonin.Unmarshal(elems[i], p); err != nil {
			failed[i] = true
			return
		}
		parts[i] = p
	})
	if slices.Contains(failed, true) {
		return nil, errNotFast
	}
	// Each list is merged on its own, in parallel: a list holds one kind
	// of resource, and a resource's identity starts with its kind.
	var lists []field
	for _, f := range fields() {
		if f.list {
			lists = append(lists, f)
		}
	}
	sv := reflect.ValueOf(s).Elem()
	bad := make([]bool, len(lists))
	parallel(len(lists), func(k int) {
		bad[k] = !mergeList(sv.FieldByIndex(lists[k].index), parts, lists[k].index)
	})
	if slices.Contains(bad, true) {
		return nil, errNotFast
	}
	return s, nil
}

// mergeList appends to dst, the list of resources at index in a snapshot,
// the lists at index in parts, each resource once: a record of one already
// seen is combined with it (model.Combine). It returns false for a nil
// element, a resource without an ID, or a conflict.
func mergeList(dst reflect.Value, parts []*part, index []int) bool {
	n := 0
	for _, p := range parts {
		n += reflect.ValueOf(&p.Snapshot).Elem().FieldByIndex(index).Len()
	}
	if n == 0 {
		return true
	}
	out := reflect.AppendSlice(reflect.MakeSlice(dst.Type(), 0, dst.Len()+n), dst)
	seen := make(map[model.Key]model.Resource, n)
	for _, p := range parts {
		src := reflect.ValueOf(&p.Snapshot).Elem().FieldByIndex(index)
		for i := range src.Len() {
			e := src.Index(i)
			if e.IsNil() {
				return false
			}
			r := e.Interface().(model.Resource)
			if r.Base().ID == "" {
				return false
			}
			id := model.Identity(r)
			if prev, ok := seen[id]; ok {
				if model.Combine(prev, r) != nil {
					return false
				}
				continue
			}
			seen[id] = r
			out = reflect.Append(out, e)
		}
	}
	dst.Set(out)
	return true
}

// splitDocument finds the "parts" array of a JSON object: it returns the
// object without it (head) and each element's bytes. ok is false when
// the document is no object with a parts array, or is not well formed
// as far as the scan can tell.
func splitDocument(data []byte) (head []byte, elems [][]byte, ok bool) {
	depth := 0
	keyStart, keyEnd := -1, -1
	arrStart, arrEnd := -1, -1
	elemStart := -1
	inParts := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			j := stringEnd(data, i+1)
			if j < 0 {
				return nil, nil, false
			}
			if depth == 1 && string(data[i+1:j]) == "parts" && arrStart < 0 {
				keyStart, keyEnd = i, j
			}
			i = j
		case '{', '[':
			depth++
			if depth == 2 && c == '[' && keyEnd >= 0 && arrStart < 0 && isOnly(data[keyEnd+1:i], ':') {
				arrStart, inParts = i, true
			}
			if inParts && depth == 3 {
				elemStart = i
			}
		case '}', ']':
			if inParts && depth == 3 && elemStart >= 0 {
				elems = append(elems, data[elemStart:i+1])
				elemStart = -1
			}
			if inParts && depth == 2 && c == ']' {
				arrEnd, inParts = i, false
			}
			depth--
			if depth < 0 {
				return nil, nil, false
			}
		}
	}
	if depth != 0 || arrStart < 0 || arrEnd < 0 {
		return nil, nil, false
	}
	// Cut `"parts": [...]` and one comma beside it.
	from, to := keyStart, arrEnd+1
	if k := bytes.LastIndexByte(data[:from], ','); k >= 0 && isOnly(data[k+1:from], 0) {
		from = k
	} else if k := bytes.IndexByte(data[to:], ','); k >= 0 && isOnly(data[to:to+k], 0) {
		to += k + 1
	}
	head = slices.Concat(data[:from], data[to:])
	return head, elems, true
}

// stringEnd returns the index of the quote that ends the JSON string
// whose text starts at data[from], or -1 when there is none: the next
// quote not escaped by an odd number of backslashes, found with
// bytes.IndexByte (the strings are most of a snapshot's bytes).
func stringEnd(data []byte, from int) int {
	for {
		k := bytes.IndexByte(data[from:], '"')
		if k < 0 {
			return -1
		}
		j := from + k
		slashes := 0
		for b := j - 1; b >= from && data[b] == '\\'; b-- {
			slashes++
		}
		if slashes%2 == 0 {
			return j
		}
		from = j + 1
	}
}

// isOnly reports whether b holds only white space and at most the byte
// sep (0: none).
func isOnly(b []byte, sep byte) bool {
	seen := false
	for _, c := range b {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case sep != 0 && c == sep && !seen:
			seen = true
		default:
			return false
		}
	}
	return sep == 0 || seen
}

// ReplaceAccounts returns held with what it holds of accounts (their
// resources, scopes and gaps) replaced by fresh, a new pull of them: the
// partial re-pull of snapshot --update. The other accounts' resources are
// kept; a record fresh has of one of them (a subnet shared with a
// re-pulled account) is combined with it (model.Combine), and a
// conflicting one is dropped for held's. Held's TakenAt is kept (the
// snapshot is no newer than its oldest part) and its Source, Tool and
// Description; fresh's flow-log listing must hold for both.
func ReplaceAccounts(held, fresh *model.Snapshot, accounts []string) *model.Snapshot {
	replaced := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		replaced[a] = true
	}
	out := &model.Snapshot{Schema: model.SchemaVersion, TakenAt: held.TakenAt, Source: held.Source, Tool: held.Tool,
		Description: held.Description, FlowLogsListed: held.FlowLogsListed && fresh.FlowLogsListed,
		WebACLsListed: held.WebACLsListed && fresh.WebACLsListed}
	for _, st := range held.Shield {
		if !replaced[st.Account] {
			out.Shield = append(out.Shield, st)
		}
	}
	for _, st := range fresh.Shield {
		if replaced[st.Account] {
			out.Shield = append(out.Shield, st)
		}
	}
	if out.TakenAt.IsZero() || (!fresh.TakenAt.IsZero() && fresh.TakenAt.Before(out.TakenAt)) {
		out.TakenAt = fresh.TakenAt
	}
	seen := map[model.Key]model.Resource{}
	for r := range held.All() {
		if !replaced[r.Base().Account] {
			seen[model.Identity(r)] = r
			_ = out.Add(r)
		}
	}
	for r := range fresh.All() {
		if prev, ok := seen[model.Identity(r)]; ok {
			_ = model.Combine(prev, r) // a conflict keeps held's record
			continue
		}
		seen[model.Identity(r)] = r
		_ = out.Add(r)
	}
	scopes := map[model.Scope]bool{}
	add := func(sc model.Scope) {
		if !scopes[sc] {
			scopes[sc] = true
			out.Scopes = append(out.Scopes, sc)
		}
	}
	for _, sc := range held.Scopes {
		if !replaced[sc.Account] {
			add(sc)
		}
	}
	for _, sc := range fresh.Scopes {
		add(sc)
	}
	slices.SortFunc(out.Scopes, func(a, b model.Scope) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	for _, g := range held.Gaps {
		if !replaced[g.Account] {
			out.Gaps = append(out.Gaps, g)
		}
	}
	out.Gaps = append(out.Gaps, fresh.Gaps...)
	return out
}
