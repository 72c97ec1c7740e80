package model

// Merge combines snapshots into one: the resources of every kind in
// argument order, the scopes without repeats, every gap, and the earliest
// TakenAt (the merged state is no newer than its oldest part). The flow-log
// configuration and the WAF web ACLs count as listed only when every part
// listed them; the Shield subscription states of every part are kept. Source, Tool
// and Description are left for the caller to set. Nil snapshots are skipped.
//
// The result shares resource pointers with its inputs: it is a view to read,
// not a deep copy. Merge does not check for repeated IDs; NewIndex reports
// them as Problems.
func Merge(snaps ...*Snapshot) *Snapshot {
	out := &Snapshot{Schema: SchemaVersion}
	seen := make(map[Scope]bool)
	parts := 0
	listed, wafListed := true, true
	for _, s := range snaps {
		if s == nil {
			continue
		}
		parts++
		listed = listed && s.FlowLogsListed
		wafListed = wafListed && s.WebACLsListed
		out.Shield = append(out.Shield, s.Shield...)
		if !s.TakenAt.IsZero() && (out.TakenAt.IsZero() || s.TakenAt.Before(out.TakenAt)) {
			out.TakenAt = s.TakenAt
		}
		for _, sc := range s.Scopes {
			if !seen[sc] {
				seen[sc] = true
				out.Scopes = append(out.Scopes, sc)
			}
		}
		out.Gaps = append(out.Gaps, s.Gaps...)
		for r := range s.All() {
			// Every kind All yields is one Add holds, so Add cannot fail here.
			_ = out.Add(r)
		}
	}
	out.FlowLogsListed = parts > 0 && listed
	out.WebACLsListed = parts > 0 && wafListed
	return out
}
