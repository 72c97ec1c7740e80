package awsjson

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// regionPattern matches AWS region names: us-east-1, eu-west-2,
// us-gov-west-1, ap-southeast-3, cn-north-1, us-isob-east-1, ...
var regionPattern = regexp.MustCompile(
	`^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-(gov|iso|isob|isoe|isof))?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]{1,2}$`)

// accountPattern matches a 12-digit AWS account ID.
var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// IsRegion reports whether s looks like an AWS region name.
func IsRegion(s string) bool { return regionPattern.MatchString(s) }

// ScopeOfPath returns the account and region a file path implies: a
// component that looks like a region sets the region, and a 12-digit
// component right under an "accounts" component sets the account. The
// innermost match wins; either may be empty.
func ScopeOfPath(path string) (account, region string) {
	parts := strings.Split(filepath.ToSlash(path), "/")
	for i, p := range parts {
		switch {
		case IsRegion(p):
			region = p
		case i > 0 && parts[i-1] == "accounts" && accountPattern.MatchString(p):
			account = p
		}
	}
	return account, region
}

// ReadDir imports every *.json file under dir, recursively, skipping
// hidden directories. Supported layouts are <dir>/*.json,
// <dir>/<region>/*.json and <dir>/accounts/<account>/<region>/*.json;
// see ScopeOfPath. Files are named in errors and reports by their path
// relative to dir. Every bad file is reported, one per line; the snapshot
// is nil when there is any.
func ReadDir(dir string) (*model.Snapshot, *Report, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if path != dir && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(path), ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	im := NewImporter()
	var errs []error
	for _, path := range files {
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." { // dir is the file itself
			rel = filepath.Base(path)
		}
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading %s: %w", rel, err))
			continue
		}
		account, region := ScopeOfPath(rel)
		if err := im.AddDocument(account, region, rel, data); err != nil {
			errs = append(errs, err)
		}
	}
	snap, rep := im.Snapshot()
	if len(errs) > 0 {
		return nil, rep, errors.Join(errs...)
	}
	if len(files) == 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s holds no .json files", dir))
	}
	return snap, rep, nil
}

// scopes lists the account/region pairs of the documents that held
// something the importer reads. A document whose path names no account
// takes the account that owns most resources in its region, or the
// snapshot's only account when its region has none.
func scopes(batches []*batch, snap *model.Snapshot) []model.Scope {
	owners := make(map[string]map[string]int)
	for r := range snap.All() {
		switch r.(type) {
		case *model.VPCPeering, *model.PrefixList:
			continue // not owned by the account that describes them
		}
		m := r.Base()
		if m.Account == "" {
			continue
		}
		if owners[m.Region] == nil {
			owners[m.Region] = make(map[string]int)
		}
		owners[m.Region][m.Account]++
	}
	// A region with no resources takes the snapshot's only account, if
	// it has one.
	all := make(map[string]bool)
	for _, counts := range owners {
		for a := range counts {
			all[a] = true
		}
	}
	only := ""
	if len(all) == 1 {
		for a := range all {
			only = a
		}
	}
	seen := make(map[model.Scope]bool)
	for _, b := range batches {
		if !b.recognised || b.region == "" {
			continue
		}
		account := b.account
		if account == "" {
			account = cmp.Or(mostCommon(owners[b.region]), only)
		}
		seen[model.Scope{Account: account, Region: b.region}] = true
	}
	out := make([]model.Scope, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b model.Scope) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return out
}

// mostCommon returns the key with the highest count (the smallest such key
// on a tie), or "" for an empty map.
func mostCommon(counts map[string]int) string {
	best, n := "", 0
	for k, c := range counts {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}
