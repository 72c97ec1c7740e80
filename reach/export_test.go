package reach

import (
	"maps"
	"net/netip"
)

// SetDiffChunk sets how many receivers DiffRelations compares at once
// and returns a function that restores it, so that tests cut classes
// across chunks.
func SetDiffChunk(n int) (restore func()) {
	old := diffChunk
	diffChunk = n
	return func() { diffChunk = old }
}

// IsInternet reports whether the engine takes an address for one of the
// internet's (not private, not the snapshot's own, not an AWS service's).
func IsInternet(e *Engine, a netip.Addr) bool { return e.internet.Contains(a) }

// DiffModes runs DiffRelations and says how it compared: "shared" when
// b's walks were a's, and how many receiving classes it skipped,
// limited to what changed, or compared in full.
func DiffModes(a, b *Relation) (map[string]int, error) {
	d, err := diffRelations(a, b, func(bool, DeltaItem) {})
	if err != nil || d.sh == nil {
		return map[string]int{}, err
	}
	out := maps.Clone(d.sh.modes)
	out["shared"] = 1
	return out, nil
}
