package reach

import "net/netip"

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
