package awsjson

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// TestSortSnapshotCoversEveryList: an import orders every kind of
// resource (so that answers do not depend on file or map order); a new
// kind added to the snapshot must be added to sortSnapshot too.
func TestSortSnapshotCoversEveryList(t *testing.T) {
	var s model.Snapshot
	v := reflect.ValueOf(&s).Elem()
	filled := 0
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Slice || !f.Type().Elem().Implements(reflect.TypeFor[model.Resource]()) {
			continue
		}
		// two elements in the wrong order
		elem := f.Type().Elem().Elem()
		a, b := reflect.New(elem), reflect.New(elem)
		a.Interface().(model.Resource).Base().ID = "z-2"
		b.Interface().(model.Resource).Base().ID = "a-1"
		f.Set(reflect.Append(f, a, b))
		filled++
	}
	sortSnapshot(&s)
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Slice || f.Len() != 2 {
			continue
		}
		first := f.Index(0).Interface().(model.Resource).Base().ID
		if !strings.HasPrefix(first, "a-") {
			t.Errorf("sortSnapshot leaves %s unsorted", v.Type().Field(i).Name)
		}
	}
	if filled < 20 {
		t.Errorf("only %d resource lists found", filled)
	}
}
