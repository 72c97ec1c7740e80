package snapfile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// TestPartsHeaderCarriesEverySnapshotField: a snapshot in parts writes its
// resources in the parts and everything else in the header, so every
// field of model.Snapshot that is not a list of resources must be in the
// header too (a field added to the snapshot and not here would be lost).
func TestPartsHeaderCarriesEverySnapshotField(t *testing.T) {
	have := map[string]bool{}
	ht := reflect.TypeFor[header]()
	for i := range ht.NumField() {
		name, _, _ := strings.Cut(ht.Field(i).Tag.Get("json"), ",")
		have[name] = true
	}
	st := reflect.TypeFor[model.Snapshot]()
	for i := range st.NumField() {
		f := st.Field(i)
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Implements(reflect.TypeFor[model.Resource]()) {
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "-" && !have[name] {
			t.Errorf("Snapshot.%s (json %q) is not in the parts header", f.Name, name)
		}
	}
}

// TestEachListHoldsItsOwnKind: the parallel decoder merges each list of
// resources on its own, which finds every duplicate only if no two lists
// hold the same type of resource.
func TestEachListHoldsItsOwnKind(t *testing.T) {
	seen := map[reflect.Type]string{}
	for name, f := range fields() {
		if !f.list {
			continue
		}
		elem := reflect.TypeFor[model.Snapshot]().FieldByIndex(f.index).Type.Elem()
		if other, ok := seen[elem]; ok {
			t.Errorf("%s and %s both hold %s", other, name, elem)
		}
		seen[elem] = name
	}
	if len(seen) == 0 {
		t.Fatal("no lists of resources found")
	}
}

// TestSplitDocumentSkipsEscapedQuotes: a quote escaped inside a string
// (after an odd number of backslashes) neither ends the string nor lets
// the braces and brackets in it count; one after an even number does end it.
func TestSplitDocumentSkipsEscapedQuotes(t *testing.T) {
	doc := `{"schema": 2, "parts": [{"a": "x\"}]"}, {"b": "\\"}, {"c": "\\\"[{"}], "d": "\\\\"}`
	head, elems, ok := splitDocument([]byte(doc))
	if !ok {
		t.Fatal("not split")
	}
	want := []string{`{"a": "x\"}]"}`, `{"b": "\\"}`, `{"c": "\\\"[{"}`}
	if len(elems) != len(want) {
		t.Fatalf("elems = %q, want %q", elems, want)
	}
	for i := range want {
		if string(elems[i]) != want[i] {
			t.Errorf("elems[%d] = %s, want %s", i, elems[i], want[i])
		}
	}
	if got := string(head); got != `{"schema": 2, "d": "\\\\"}` {
		t.Errorf("head = %s", got)
	}
	if _, _, ok := splitDocument([]byte(`{"schema": 2, "parts": [{"a": "x\"}]}`)); ok {
		t.Error("a string left open was split")
	}
}
