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
