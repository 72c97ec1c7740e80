// Package review records what an auditor decided about each audit
// finding — open, accepted risk, to fix or false positive, with a note —
// in a file that follows the findings from one snapshot to the next by
// their fingerprints (control, resource and rule), so a later review
// starts where the last ended and sees what is new, fixed or changed.
// Both the CLI (audit --review FILE) and the explorer's Audit view use
// it; it imports no UI code and does no I/O beyond Load and Save.
package review

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vpcscope/vpcscope/model/snapfile"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// Version is the review file format this code writes and reads.
const Version = 1

// State is what the auditor decided about a finding.
type State string

// The states. A finding no one has marked is Open.
const (
	Open          State = "open"
	AcceptedRisk  State = "accepted risk"
	ToFix         State = "to fix"
	FalsePositive State = "false positive"
)

// States lists the states in the order a walkthrough cycles through them.
func States() []State { return []State{Open, ToFix, AcceptedRisk, FalsePositive} }

// ParseState accepts a state's name; "accepted" and "accepted-risk",
// "false-positive" and "to-fix" are accepted too.
func ParseState(s string) (State, error) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", " ")
	switch n {
	case "accepted":
		return AcceptedRisk, nil
	case "fp":
		return FalsePositive, nil
	}
	for _, st := range States() {
		if string(st) == n {
			return st, nil
		}
	}
	return "", fmt.Errorf("state %q: want open, to fix, accepted risk or false positive", s)
}

// Settled reports whether the finding needs no more work: an accepted
// risk or a false positive. Settled findings are listed apart and never
// fail audit --fail.
func (s State) Settled() bool { return s == AcceptedRisk || s == FalsePositive }

// Entry is the decision about one finding, with what the finding looked
// like when it was last recorded.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	State       State  `json:"state"`
	Note        string `json:"note,omitempty"`
	// Control, Resource and Rule repeat the fingerprint's parts for the
	// reader of the file; Severity, Message and Evidence are the finding
	// as last recorded (Evidence is a digest of its severity, message and
	// exposures) — what "changed" is measured against.
	Control  string         `json:"control"`
	Resource string         `json:"resource"`
	Rule     string         `json:"rule,omitempty"`
	Severity audit.Severity `json:"severity"`
	Message  string         `json:"message"`
	Evidence string         `json:"evidence"`
	// Updated is when the state or note last changed.
	Updated time.Time `json:"updated,omitzero"`
	// Fixed is set when the finding was absent from the last snapshot
	// recorded.
	Fixed bool `json:"fixed,omitempty"`
}

// File is a review: the decisions, the snapshot they were last recorded
// against, and where the walkthrough stopped.
type File struct {
	Version int `json:"version"`
	// Snapshot describes the snapshot last recorded (its source and
	// description); TakenAt is its time.
	Snapshot string    `json:"snapshot,omitempty"`
	TakenAt  time.Time `json:"takenAt,omitzero"`
	// Last is the fingerprint of the finding the walkthrough stopped at.
	Last    string  `json:"last,omitempty"`
	Entries []Entry `json:"findings"`
}

// New returns an empty review.
func New() *File { return &File{Version: Version, Entries: []Entry{}} }

// DefaultPath is where a review of the snapshot at snapshotPath lives when
// no --review is given: beside it, with ".review.json" in place of its
// extension ("prod.json" -> "prod.review.json"; a folder gets
// "FOLDER.review.json" beside it). The demo's review is
// "vpcscope-demo.review.json" in the current folder.
func DefaultPath(snapshotPath string) string {
	if snapshotPath == "" {
		return "vpcscope-demo.review.json"
	}
	p := strings.TrimRight(snapshotPath, string(filepath.Separator))
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return p + ".review.json"
	}
	return strings.TrimSuffix(p, filepath.Ext(p)) + ".review.json"
}

// Load reads a review file. A file that does not exist is an error that
// wraps fs.ErrNotExist (the explorer starts a New review then); a
// malformed one is "FILE:line:col: message".
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read review %s: %w", path, err)
	}
	return Decode(data, path)
}

// Decode parses a review file's contents; name is used in errors.
func Decode(data []byte, name string) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	f := &File{}
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("review %w", snapfile.LocateError(name, data, err))
	}
	switch {
	case f.Version == 0:
		return nil, fmt.Errorf("review %s: no \"version\": not a vpcscope review file", name)
	case f.Version > Version:
		return nil, fmt.Errorf("review %s: version %d is newer than this vpcscope reads (%d); upgrade vpcscope", name, f.Version, Version)
	}
	seen := map[string]bool{}
	for i, e := range f.Entries {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("review %s: finding %d has no fingerprint", name, i+1)
		}
		if seen[e.Fingerprint] {
			return nil, fmt.Errorf("review %s: finding %q is listed twice", name, e.Fingerprint)
		}
		seen[e.Fingerprint] = true
		st, err := ParseState(string(e.State))
		if err != nil {
			return nil, fmt.Errorf("review %s: finding %q: %w", name, e.Fingerprint, err)
		}
		f.Entries[i].State = st
	}
	if f.Entries == nil {
		f.Entries = []Entry{}
	}
	return f, nil
}

// Save writes the review to path atomically, entries sorted by
// fingerprint so that the file diffs well.
func (f *File) Save(path string) error {
	f.Version = Version
	slices.SortFunc(f.Entries, func(a, b Entry) int { return cmp.Compare(a.Fingerprint, b.Fingerprint) })
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("write review %s: %w", path, err)
	}
	return snapfile.WriteFile(path, "review", append(data, '\n'))
}

// Entry returns the entry for a fingerprint, or nil.
func (f *File) Entry(fingerprint string) *Entry {
	for i := range f.Entries {
		if f.Entries[i].Fingerprint == fingerprint {
			return &f.Entries[i]
		}
	}
	return nil
}

// Mark sets a finding's state and note at time now, adding its entry when
// the review has none (with the finding as it is now).
func (f *File) Mark(finding *audit.Finding, state State, note string, now time.Time) {
	fp := audit.FingerprintOf(finding)
	e := f.Entry(fp)
	if e == nil {
		f.Entries = append(f.Entries, entryOf(finding))
		e = &f.Entries[len(f.Entries)-1]
	}
	e.State, e.Note, e.Updated = state, note, now.UTC()
	e.Fixed = false
	f.Last = fp
}

// Record makes the review current with a report: every finding gets an
// entry (new ones open), each entry holds the finding as it is now, and
// entries whose finding is gone are marked fixed. The snapshot is
// described by snapshot and takenAt.
func (f *File) Record(rep *audit.Report, snapshot string, takenAt time.Time) {
	now := map[string]bool{}
	for i := range rep.Findings {
		fd := &rep.Findings[i]
		fp := audit.FingerprintOf(fd)
		now[fp] = true
		cur := entryOf(fd)
		if e := f.Entry(fp); e != nil {
			cur.State, cur.Note, cur.Updated = e.State, e.Note, e.Updated
			*e = cur
			continue
		}
		f.Entries = append(f.Entries, cur)
	}
	for i := range f.Entries {
		if !now[f.Entries[i].Fingerprint] {
			f.Entries[i].Fixed = true
		}
	}
	f.Snapshot, f.TakenAt = snapshot, takenAt
}

// entryOf returns an open entry holding the finding as it is.
func entryOf(fd *audit.Finding) Entry {
	c := ""
	if len(fd.Controls) > 0 {
		c = fd.Controls[0]
	}
	return Entry{Fingerprint: audit.FingerprintOf(fd), State: Open, Control: c, Resource: fd.Resource, Rule: fd.Rule,
		Severity: fd.Severity, Message: fd.Message, Evidence: EvidenceOf(fd)}
}

// EvidenceOf returns a digest of what a finding says — its severity,
// message and exposures — that changes when the finding does while its
// fingerprint stays.
func EvidenceOf(fd *audit.Finding) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", fd.Severity, fd.Message)
	for _, x := range fd.Exposed {
		fmt.Fprintf(h, "%s\x00", x)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Change says how a finding differs from the review.
type Change string

// The changes since the review was last recorded.
const (
	Same    Change = ""
	Added   Change = "new"
	Changed Change = "changed"
	Fixed   Change = "fixed"
)

// Item is one finding of a report with its review, or a reviewed finding
// the report no longer has (Change Fixed, Finding nil).
type Item struct {
	Finding     *audit.Finding `json:"finding,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	State       State          `json:"state"`
	Note        string         `json:"note,omitempty"`
	Change      Change         `json:"change,omitempty"`
	// Was is the review's entry: the finding as last recorded (nil for a
	// new finding).
	Was *Entry `json:"was,omitempty"`
}

// Walk is a report seen through a review: the findings in report order,
// split into those that still need work and those settled, and the
// reviewed findings that are gone.
type Walk struct {
	// Open are the findings open or to fix; Settled the accepted risks
	// and false positives, listed apart.
	Open    []Item `json:"open"`
	Settled []Item `json:"settled"`
	// Fixed are reviewed findings the report no longer has.
	Fixed []Item `json:"fixed"`
	// Last is where the previous walkthrough stopped.
	Last string `json:"last,omitempty"`
}

// Apply lays a review over a report. A nil review is an empty one.
func Apply(rep *audit.Report, f *File) *Walk {
	if f == nil {
		f = New()
	}
	w := &Walk{Open: []Item{}, Settled: []Item{}, Fixed: []Item{}, Last: f.Last}
	now := map[string]bool{}
	for i := range rep.Findings {
		fd := &rep.Findings[i]
		fp := audit.FingerprintOf(fd)
		now[fp] = true
		it := Item{Finding: fd, Fingerprint: fp, State: Open, Change: Added}
		if e := f.Entry(fp); e != nil {
			it.State, it.Note, it.Was, it.Change = e.State, e.Note, e, Same
			switch {
			case e.Fixed:
				it.Change = Added // back after it was fixed
			case e.Evidence != EvidenceOf(fd):
				it.Change = Changed
			}
		}
		if it.State.Settled() {
			w.Settled = append(w.Settled, it)
		} else {
			w.Open = append(w.Open, it)
		}
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		if !now[e.Fingerprint] && !e.Fixed {
			w.Fixed = append(w.Fixed, Item{Fingerprint: e.Fingerprint, State: e.State, Note: e.Note, Change: Fixed, Was: e})
		}
	}
	slices.SortFunc(w.Fixed, func(a, b Item) int { return cmp.Compare(a.Fingerprint, b.Fingerprint) })
	return w
}

// Items returns every item of the walk in walkthrough order: open
// findings, then settled ones.
func (w *Walk) Items() []Item { return slices.Concat(w.Open, w.Settled) }

// Failing counts the findings that fail audit --fail at severity min:
// open or to fix, at or above min, and not informational.
func (w *Walk) Failing(min audit.Severity) int {
	n := 0
	for _, it := range w.Open {
		if it.Finding.Severity != audit.Info && it.Finding.Severity.Rank() <= min.Rank() {
			n++
		}
	}
	return n
}

// IsNotExist reports whether err says the review file does not exist.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
