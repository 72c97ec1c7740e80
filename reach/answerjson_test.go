package reach_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// encodeJSON is the reference: what encoding/json's Encoder writes for a
// with SetEscapeHTML(false), the encoder `reach --batch` used before
// Answer.AppendJSON.
func encodeJSON(t testing.TB, a *reach.Answer) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkAppendJSON fails unless AppendJSON writes a exactly as
// encoding/json does, also when appending to bytes already there.
func checkAppendJSON(t testing.TB, what string, a *reach.Answer) {
	t.Helper()
	want := encodeJSON(t, a)
	if got := a.AppendJSON(nil); !bytes.Equal(got, want) {
		t.Fatalf("%s: AppendJSON differs from encoding/json\n got: %s\nwant: %s", what, got, want)
	}
	prefix := []byte("prefix ")
	if got := a.AppendJSON(prefix); !bytes.Equal(got[len(prefix):], want) || string(got[:len(prefix)]) != "prefix " {
		t.Fatalf("%s: AppendJSON after a prefix differs from encoding/json", what)
	}
}

// hostileText is appended to every freely chosen name of the fixtures:
// terminal escapes, HTML, quotes and backslashes, the JSON line
// separators, invalid UTF-8 and every control character.
var hostileText = func() string {
	var b strings.Builder
	b.WriteString(fixtures.TerminalEscapes + `<b>&amp;"q"\ ` + "\u2028\u2029\xff\xc3(\xe2\x82\xed\xa0\x80\ufffd\x7f")
	for c := range 0x20 {
		b.WriteByte(byte(c))
	}
	return b.String()
}()

// TestAppendJSONMatchesEncodingJSONOnEveryFixture: on every fixture, as
// it is and with hostile text in its names, the answers between all its
// interfaces, its scenarios' ends and the internet, on TCP, UDP and ICMP,
// are written by AppendJSON byte for byte as encoding/json writes them.
func TestAppendJSONMatchesEncodingJSONOnEveryFixture(t *testing.T) {
	answers := 0
	for _, name := range fixtures.Names() {
		for _, hostile := range []bool{false, true} {
			s, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			scs, err := fixtures.Scenarios(name)
			if err != nil {
				t.Fatal(err)
			}
			ends := []string{"internet", "8.8.8.8"}
			var onprem []string
			for _, sc := range scs {
				ends = append(ends, sc.From, sc.To)
				onprem = append(onprem, sc.OnPrem...)
			}
			for _, e := range s.NetworkInterfaces {
				ends = append(ends, e.ID)
			}
			slices.Sort(ends)
			ends = slices.Compact(ends)
			if hostile {
				fixtures.AppendText(s, hostileText)
			}
			slices.Sort(onprem)
			e := withOnPremSpecs(t, reach.New(s), slices.Compact(onprem))
			services := []struct {
				proto model.Protocol
				port  int
			}{{model.ProtocolTCP, 443}, {model.ProtocolTCP, 22}, {model.ProtocolUDP, 53}, {model.ProtocolICMP, 0}}
			for _, from := range ends {
				for _, to := range ends {
					for _, sv := range services {
						q := reach.Query{From: from, To: to, Protocol: sv.proto, Port: sv.port}
						a, err := e.Reach(q)
						if err != nil {
							continue // an unknown or unusable end: no answer to write
						}
						answers++
						checkAppendJSON(t, fmt.Sprintf("%s (hostile %v) %+v", name, hostile, q), a)
					}
				}
			}
		}
	}
	if answers < 1000 {
		t.Fatalf("only %d answers compared", answers)
	}
}

// TestAppendJSONMatchesEncodingJSONOnTheLargeAccount: the 2,000 point
// answers of the large account (BenchmarkReachPoint's and
// BenchmarkReachBatch's queries) are written by AppendJSON byte for byte
// as encoding/json writes them.
func TestAppendJSONMatchesEncodingJSONOnTheLargeAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("the large account takes seconds to generate")
	}
	e := largeEngine()
	s, _ := large()
	for _, q := range pointQueries(s, 2000) {
		a, err := e.Reach(q)
		if err != nil {
			t.Fatal(err)
		}
		checkAppendJSON(t, fmt.Sprintf("%+v", q), a)
	}
}

// randomText returns a string of up to 12 pieces drawn from text that
// JSON encoders treat specially: every control character, quotes and
// backslashes, HTML characters, DEL, multi-byte runes, U+2028 and U+2029,
// U+FFFD, and invalid UTF-8 (stray continuation bytes, truncated
// sequences, surrogates, overlong forms).
func randomText(rng *rand.Rand) string {
	pieces := []string{"", "a", "eni-0abc", " ", `"`, `\`, "<", ">", "&", "'", "/", "\x7f", "é", "名前", "✓", "😀",
		"\u2028", "\u2029", "\u2027", "\u202a", "\ufffd", "\xff", "\x80", "\xc3", "\xe2\x82", "\xed\xa0\x80",
		"\xc0\xaf", "\xf4\x90\x80\x80", "\xef\xbf\xbd", "\u0080", "\u009b", "\u00a0"}
	n := rng.IntN(13)
	var b strings.Builder
	for range n {
		if rng.IntN(4) == 0 {
			b.WriteByte(byte(rng.IntN(0x20)))
		} else {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
	}
	return b.String()
}

// randomInt returns an int of any size and sign, often a small one.
func randomInt(rng *rand.Rand) int {
	switch rng.IntN(4) {
	case 0:
		return 0
	case 1:
		return rng.IntN(100) - 1
	case 2:
		return int(rng.Int64())
	}
	return -int(rng.Int64()) - 1
}

func randomIntPtr(rng *rand.Rand) *int {
	if rng.IntN(2) == 0 {
		return nil
	}
	n := randomInt(rng)
	return &n
}

// randomStrings returns nil, an empty slice or a few random strings.
func randomStrings(rng *rand.Rand) []string {
	switch rng.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	ss := make([]string, 1+rng.IntN(3))
	for i := range ss {
		ss[i] = randomText(rng)
	}
	return ss
}

func randomRef(rng *rand.Rand) reach.RuleRef {
	rn := []int32{0, 100, 32766, -1, 1<<31 - 1, -1 << 31}[rng.IntN(6)]
	return reach.RuleRef{Kind: reach.RuleRefKind(randomText(rng)), Resource: randomText(rng), Index: randomInt(rng), RuleNumber: rn}
}

func randomRefPtr(rng *rand.Rand) *reach.RuleRef {
	if rng.IntN(2) == 0 {
		return nil
	}
	r := randomRef(rng)
	return &r
}

// randomRefs returns nil, an empty slice or a few random rule references.
func randomRefs(rng *rand.Rand) []reach.RuleRef {
	switch rng.IntN(3) {
	case 0:
		return nil
	case 1:
		return []reach.RuleRef{}
	}
	refs := make([]reach.RuleRef, 1+rng.IntN(3))
	for i := range refs {
		refs[i] = randomRef(rng)
	}
	return refs
}

func randomEndpoint(rng *rand.Rand) reach.Endpoint {
	return reach.Endpoint{Kind: randomText(rng), ID: randomText(rng), Name: randomText(rng), Interface: randomText(rng),
		IP: randomText(rng), Note: randomText(rng), Addresses: randomStrings(rng), Summary: randomText(rng)}
}

// randomHops returns nil, an empty path or a few random hops.
func randomHops(rng *rand.Rand) []reach.Hop {
	switch rng.IntN(3) {
	case 0:
		return nil
	case 1:
		return []reach.Hop{}
	}
	hops := make([]reach.Hop, 1+rng.IntN(4))
	for i := range hops {
		hops[i] = reach.Hop{Layer: reach.Layer(randomText(rng)), Resource: randomText(rng), Name: randomText(rng),
			Account: randomText(rng), Region: randomText(rng), Verdict: reach.Verdict(randomText(rng)),
			Stage: reach.Stage(randomText(rng)), Rule: randomText(rng), Ref: randomRefPtr(rng), Packet: randomText(rng),
			Code: reach.Code(randomText(rng)), Detail: randomText(rng), Near: randomRefs(rng)}
	}
	return hops
}

// randomAnswer builds an answer with every field random: text from
// randomText, nil, empty and full slices, nil and set pointers, integers
// of every size and sign.
func randomAnswer(rng *rand.Rand) *reach.Answer {
	a := &reach.Answer{
		Query: reach.QueryEcho{From: randomText(rng), To: randomText(rng), Protocol: randomText(rng),
			Port: randomIntPtr(rng), SourcePort: randomIntPtr(rng), ICMP: randomText(rng),
			Source: randomEndpoint(rng), Dest: randomEndpoint(rng)},
		Reachable: rng.IntN(2) == 0,
		Verdict:   reach.Outcome(randomText(rng)),
		Forward:   randomHops(rng),
		Return:    randomHops(rng),
		Caveats:   randomStrings(rng),
	}
	if rng.IntN(2) == 0 {
		a.Blocked = &reach.Block{Layer: reach.Layer(randomText(rng)), Resource: randomText(rng), Rule: randomText(rng),
			Direction: reach.Direction(randomText(rng)), Code: reach.Code(randomText(rng)), Reason: randomText(rng),
			Ref: randomRefPtr(rng), Near: randomRefs(rng)}
	}
	return a
}

// TestAppendJSONMatchesEncodingJSONOnRandomAnswers: random answers — every
// field set or empty, text with control characters, HTML characters,
// U+2028/U+2029 and invalid UTF-8 — are written by AppendJSON byte for
// byte as encoding/json writes them.
func TestAppendJSONMatchesEncodingJSONOnRandomAnswers(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 29))
	for i := range 20000 {
		checkAppendJSON(t, fmt.Sprintf("random answer %d", i), randomAnswer(rng))
	}
}

// FuzzAppendJSONText: any text in any field of an answer is written by
// AppendJSON as encoding/json writes it.
func FuzzAppendJSONText(f *testing.F) {
	for _, s := range []string{"", "plain", hostileText, "\u2028\u2029", "<>&", "\xff\xfe", "a\x00b", "\ud7ff\ue000", "\U0010ffff"} {
		f.Add(s, 443)
	}
	f.Fuzz(func(t *testing.T, s string, port int) {
		ref := &reach.RuleRef{Kind: reach.RuleRefKind(s), Resource: s, Index: port, RuleNumber: int32(port)}
		ep := reach.Endpoint{Kind: s, ID: s, Name: s, Interface: s, IP: s, Note: s, Addresses: []string{s}, Summary: s}
		hop := reach.Hop{Layer: reach.Layer(s), Resource: s, Name: s, Account: s, Region: s, Verdict: reach.Verdict(s),
			Stage: reach.Stage(s), Rule: s, Ref: ref, Packet: s, Code: reach.Code(s), Detail: s, Near: []reach.RuleRef{*ref}}
		a := &reach.Answer{
			Query:   reach.QueryEcho{From: s, To: s, Protocol: s, Port: &port, ICMP: s, Source: ep, Dest: ep},
			Verdict: reach.Outcome(s),
			Blocked: &reach.Block{Layer: reach.Layer(s), Resource: s, Rule: s, Direction: reach.Direction(s),
				Code: reach.Code(s), Reason: s, Ref: ref, Near: []reach.RuleRef{*ref}},
			Forward: []reach.Hop{hop},
			Return:  []reach.Hop{hop, hop},
			Caveats: []string{s, s},
		}
		checkAppendJSON(t, fmt.Sprintf("text %q", s), a)
	})
}

// answerJSONFields are the fields Answer.AppendJSON (answerjson.go)
// writes, as "Type.Field GoType `tag`", for every struct type an Answer
// holds. Whoever adds, renames, retypes or retags a field there updates
// AppendJSON and then this list.
var answerJSONFields = []string{
	"Answer.Query reach.QueryEcho `json:\"query\"`",
	"Answer.Reachable bool `json:\"reachable\"`",
	"Answer.Verdict reach.Outcome `json:\"verdict\"`",
	"Answer.Blocked *reach.Block `json:\"blocked\"`",
	"Answer.Forward []reach.Hop `json:\"forward\"`",
	"Answer.Return []reach.Hop `json:\"return\"`",
	"Answer.Caveats []string `json:\"caveats\"`",
	"QueryEcho.From string `json:\"from\"`",
	"QueryEcho.To string `json:\"to\"`",
	"QueryEcho.Protocol string `json:\"protocol\"`",
	"QueryEcho.Port *int `json:\"port,omitempty\"`",
	"QueryEcho.SourcePort *int `json:\"sourcePort,omitempty\"`",
	"QueryEcho.ICMP string `json:\"icmp,omitempty\"`",
	"QueryEcho.Source reach.Endpoint `json:\"source\"`",
	"QueryEcho.Dest reach.Endpoint `json:\"destination\"`",
	"Endpoint.Kind string `json:\"kind\"`",
	"Endpoint.ID string `json:\"id,omitempty\"`",
	"Endpoint.Name string `json:\"name,omitempty\"`",
	"Endpoint.Interface string `json:\"interface,omitempty\"`",
	"Endpoint.IP string `json:\"ip\"`",
	"Endpoint.Note string `json:\"note,omitempty\"`",
	"Endpoint.Addresses []string `json:\"addresses,omitempty\"`",
	"Endpoint.Summary string `json:\"summary,omitempty\"`",
	"Block.Layer reach.Layer `json:\"layer\"`",
	"Block.Resource string `json:\"resource\"`",
	"Block.Rule string `json:\"rule\"`",
	"Block.Direction reach.Direction `json:\"direction\"`",
	"Block.Code reach.Code `json:\"code\"`",
	"Block.Reason string `json:\"reason\"`",
	"Block.Ref *reach.RuleRef `json:\"ref,omitempty\"`",
	"Block.Near []reach.RuleRef `json:\"near,omitempty\"`",
	"Hop.Layer reach.Layer `json:\"layer\"`",
	"Hop.Resource string `json:\"resource\"`",
	"Hop.Name string `json:\"name,omitempty\"`",
	"Hop.Account string `json:\"account,omitempty\"`",
	"Hop.Region string `json:\"region,omitempty\"`",
	"Hop.Verdict reach.Verdict `json:\"verdict\"`",
	"Hop.Stage reach.Stage `json:\"stage,omitempty\"`",
	"Hop.Rule string `json:\"rule,omitempty\"`",
	"Hop.Ref *reach.RuleRef `json:\"ref,omitempty\"`",
	"Hop.Packet string `json:\"packet\"`",
	"Hop.Code reach.Code `json:\"code,omitempty\"`",
	"Hop.Detail string `json:\"detail,omitempty\"`",
	"Hop.Near []reach.RuleRef `json:\"near,omitempty\"`",
	"RuleRef.Kind reach.RuleRefKind `json:\"kind\"`",
	"RuleRef.Resource string `json:\"resource,omitempty\"`",
	"RuleRef.Index int `json:\"index\"`",
	"RuleRef.RuleNumber int32 `json:\"ruleNumber,omitempty\"`",
}

// TestAppendJSONCoversEveryField walks the types an Answer holds and fails
// naming every field encoding/json would write (exported or embedded) that
// answerJSONFields, and so AppendJSON, does not know — and every listed
// field that is gone — and every type in the tree that would change how
// encoding/json writes it (a MarshalJSON or MarshalText method).
func TestAppendJSONCoversEveryField(t *testing.T) {
	known := map[string]bool{}
	for _, f := range answerJSONFields {
		known[f] = true
	}
	seen := map[string]bool{}
	visited := map[reflect.Type]bool{}
	marshalers := []reflect.Type{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		if visited[typ] {
			return
		}
		visited[typ] = true
		for _, m := range marshalers {
			if typ.Implements(m) || reflect.PointerTo(typ).Implements(m) {
				t.Errorf("%v implements %v: AppendJSON (reach/answerjson.go) must write what that method writes", typ, m)
			}
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			walk(typ.Elem())
			return
		case reflect.Struct:
		case reflect.Interface:
			t.Errorf("%v is an interface: AppendJSON cannot know what it holds", typ)
			return
		default:
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue // encoding/json skips it
			}
			key := fmt.Sprintf("%s.%s %v `%s`", typ.Name(), f.Name, f.Type, f.Tag)
			seen[key] = true
			if !known[key] {
				t.Errorf("field %s is not written by reach.Answer.AppendJSON: update reach/answerjson.go, then answerJSONFields in reach/answerjson_test.go", key)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[reach.Answer]())
	for _, f := range answerJSONFields {
		if !seen[f] {
			t.Errorf("answerJSONFields lists %s, which an Answer no longer holds: update reach/answerjson.go and the list", f)
		}
	}
}

// BenchmarkAnswerJSON writes the large account's 2,000 point answers, one
// per op, with encoding/json (as `reach --batch` did) and with AppendJSON.
func BenchmarkAnswerJSON(b *testing.B) {
	e := largeEngine()
	s, _ := large()
	var answers []*reach.Answer
	for _, q := range pointQueries(s, 2000) {
		a, err := e.Reach(q)
		if err != nil {
			b.Fatal(err)
		}
		answers = append(answers, a)
	}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf.Reset()
			if err := enc.Encode(answers[i%len(answers)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf = answers[i%len(answers)].AppendJSON(buf[:0])
			i++
		}
	})
}
