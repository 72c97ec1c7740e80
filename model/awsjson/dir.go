package awsjson

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
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

// Default limits of ReadOptions: generous for real accounts (the
// benchmark account of 20,000 interfaces is 60 MB of AWS CLI output), and
// low enough to refuse a wrong path (a disk image, a log) at once.
const (
	DefaultMaxFileSize  int64 = 1 << 30 // 1 GiB
	DefaultMaxTotalSize int64 = 2 << 30 // 2 GiB
)

// ReadOptions bound what a read takes in.
type ReadOptions struct {
	// MaxFileSize bounds each file: 0 means DefaultMaxFileSize, a negative
	// value no limit.
	MaxFileSize int64
	// MaxTotalSize bounds all the files of a folder together: 0 means
	// DefaultMaxTotalSize, a negative value no limit.
	MaxTotalSize int64
}

// Limits returns the options' limits with the defaults filled in; a limit
// of 0 means none.
func (o ReadOptions) Limits() (file, total int64) {
	pick := func(v, def int64) int64 {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	return pick(o.MaxFileSize, DefaultMaxFileSize), pick(o.MaxTotalSize, DefaultMaxTotalSize)
}

// ReadDir imports every *.json file under dir, recursively, skipping
// hidden directories. Supported layouts are <dir>/*.json,
// <dir>/<region>/*.json and <dir>/accounts/<account>/<region>/*.json;
// see ScopeOfPath. Files are named in errors and reports by their path
// relative to dir, and decoded in parallel.
//
// What the folder cannot tell is recorded in the snapshot's gaps: an empty
// file (what "aws ec2 describe-network-acls > file" leaves when the call
// is denied) is a gap for the kind its name implies, and a core output
// (Vpcs, Subnets, RouteTables, SecurityGroups, NetworkAcls,
// NetworkInterfaces, Reservations) that one account and region lacks is a
// gap there. An empty file whose name says nothing, a file that is not a
// regular file (a named pipe, a device: never opened) and a document with
// no output the importer reads are skipped and reported.
//
// Every bad file is reported, one per line, and so is every resource two
// files describe differently; the snapshot is nil when there is any. A
// file over opts' size limit, or files over it together, are refused
// before anything is decoded. ReadDir stops with ctx's error once ctx is
// done.
func ReadDir(ctx context.Context, dir string, opts ReadOptions) (*model.Snapshot, *Report, error) {
	fileLimit, totalLimit := opts.Limits()
	var files []dirFile
	var skipped []SkippedKey
	var total int64
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			if path != dir && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.EqualFold(filepath.Ext(path), ".json") {
			return nil
		}
		rel := relName(dir, path)
		st, err := os.Stat(path) // follows a link to where it leads
		if err != nil {
			return fmt.Errorf("%s: %w", rel, unwrapPath(err))
		}
		if !st.Mode().IsRegular() {
			skipped = append(skipped, SkippedKey{File: rel, Reason: jsonin.Kind(st.Mode()) + ", not a regular file: not opened"})
			return nil
		}
		total += st.Size()
		files = append(files, dirFile{path: path, rel: rel, size: st.Size()})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	if totalLimit > 0 && total > totalLimit {
		return nil, nil, jsonin.TooLarge(dir, total, totalLimit, fmt.Sprintf("one snapshot (%d JSON files)", len(files)))
	}
	var errs []error
	for _, f := range files {
		if fileLimit > 0 && f.size > fileLimit {
			errs = append(errs, jsonin.TooLarge(f.rel, f.size, fileLimit, "one file"))
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}

	results := decodeFiles(ctx, files, fileLimit)
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	im := NewImporter()
	for i, r := range results {
		f := files[i]
		switch {
		case r.err == nil:
			im.add(r.batch)
		case errors.Is(r.err, ErrEmptyDocument):
			account, region := ScopeOfPath(f.rel)
			b := newBatch(f.rel, account, region)
			if o := outputNamed(f.rel); o != nil && o.kind != "" {
				b.empty = o
				b.keys[o.key] = 0
			} else {
				b.skip("", "an empty file, and its name does not say which output it should hold")
			}
			im.add(b)
		default:
			errs = append(errs, r.err)
		}
	}
	snap, rep := im.Snapshot()
	rep.Skipped = append(skipped, rep.Skipped...)
	for _, sk := range skipped {
		rep.SkippedFiles = append(rep.SkippedFiles, sk.File)
	}
	slices.Sort(rep.SkippedFiles)
	errs = append(errs, rep.Conflicts...)
	if len(errs) > 0 {
		return nil, rep, errors.Join(errs...)
	}
	if len(files) == 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s holds no .json files", dir))
	}
	im.mu.Lock()
	batches := slices.Clone(im.batches)
	im.mu.Unlock()
	snap.Gaps = append(snap.Gaps, folderGaps(batches, snap)...)
	return snap, rep, nil
}

// dirFile is a JSON file of a folder.
type dirFile struct {
	path, rel string
	size      int64
}

// fileResult is what decoding one file gave.
type fileResult struct {
	batch *batch
	err   error
}

// decodeFiles decodes the files on as many goroutines as there are CPUs,
// largest first so that the last to finish is a small one.
func decodeFiles(ctx context.Context, files []dirFile, limit int64) []fileResult {
	results := make([]fileResult, len(files))
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(files[b].size, files[a].size) })
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := files[i]
				account, region := ScopeOfPath(f.rel)
				b, err := decodeDocument(account, region, jsonin.FileSource(ctx, f.rel, f.path, limit))
				results[i] = fileResult{b, err}
			}
		}()
	}
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// relName names a file by its path relative to dir, with forward slashes;
// a lone file (dir is the file itself) by its base name.
func relName(dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == "." {
		rel = filepath.Base(path)
	}
	return filepath.ToSlash(rel)
}

// unwrapPath drops the path an *fs.PathError repeats: callers name the
// file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// coreOutputs are the describe-* outputs every answer depends on, each
// with the keys that cover it: instances carry their interfaces.
var coreOutputs = []struct {
	kind      model.Kind
	operation string
	keys      []string
}{
	{model.KindVPC, "DescribeVpcs", []string{"Vpcs"}},
	{model.KindSubnet, "DescribeSubnets", []string{"Subnets"}},
	{model.KindRouteTable, "DescribeRouteTables", []string{"RouteTables"}},
	{model.KindSecurityGroup, "DescribeSecurityGroups", []string{"SecurityGroups"}},
	{model.KindNetworkACL, "DescribeNetworkAcls", []string{"NetworkAcls"}},
	{model.KindNetworkInterface, "DescribeNetworkInterfaces", []string{"NetworkInterfaces", "Reservations", "Instances"}},
	{model.KindInstance, "DescribeInstances", []string{"Reservations", "Instances"}},
}

// folderGaps records what a folder cannot tell: the kind of each empty
// file, and the core outputs each account and region lacks (a folder
// without NetworkAcls output for us-west-2 says nothing about the ACLs
// there, and the answers must say so rather than assume there are none).
// Documents whose path names no region count for every region; a folder
// without region folders is one scope.
func folderGaps(batches []*batch, snap *model.Snapshot) []model.Gap {
	var gaps []model.Gap
	scopeOf := batchScopes(batches, snap)
	have := make(map[model.Scope]map[string]bool)
	everywhere := make(map[string]bool)
	for _, b := range batches {
		if o := b.empty; o != nil {
			sc := scopeOf(b)
			gaps = append(gaps, model.Gap{Account: sc.Account, Region: sc.Region, Kind: o.kind, Operation: o.operation,
				Reason: b.file + " is empty: the call failed or was denied when it was written"})
		}
		keys := everywhere
		if b.region != "" {
			sc := scopeOf(b)
			if have[sc] == nil {
				have[sc] = make(map[string]bool)
			}
			keys = have[sc]
		}
		for k := range b.keys {
			keys[k] = true
		}
	}
	scopes := snap.Scopes
	if len(scopes) == 0 {
		scopes = []model.Scope{{}}
	}
	for _, sc := range scopes {
		for _, c := range coreOutputs {
			if slices.ContainsFunc(c.keys, func(k string) bool { return have[sc][k] || everywhere[k] }) {
				continue
			}
			gaps = append(gaps, model.Gap{Account: sc.Account, Region: sc.Region, Kind: c.kind, Operation: c.operation,
				Reason: "the folder holds no " + c.keys[0] + " output"})
		}
	}
	return gaps
}

// scopes lists the account/region pairs of the documents that held
// something the importer reads.
func scopes(batches []*batch, snap *model.Snapshot) []model.Scope {
	scopeOf := batchScopes(batches, snap)
	seen := make(map[model.Scope]bool)
	for _, b := range batches {
		if b.recognised && b.region != "" {
			seen[scopeOf(b)] = true
		}
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

// batchScopes returns the account and region of a document: its path's,
// and when the path names no account, the account that owns most
// resources in its region, or the snapshot's only account when its region
// has none.
func batchScopes(batches []*batch, snap *model.Snapshot) func(*batch) model.Scope {
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
	return func(b *batch) model.Scope {
		account := b.account
		if account == "" {
			account = cmp.Or(mostCommon(owners[b.region]), only)
		}
		return model.Scope{Account: account, Region: b.region}
	}
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
