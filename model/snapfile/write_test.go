package snapfile

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/model"
)

func testSnapshot() *model.Snapshot {
	return &model.Snapshot{Source: "fixture", VPCs: []*model.VPC{{Meta: model.Meta{ID: "vpc-1"}}}}
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// readBack fails unless path holds the test snapshot.
func readBack(t *testing.T, path string) {
	t.Helper()
	got, _, err := Read(context.Background(), path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.VPCs) != 1 || got.VPCs[0].ID != "vpc-1" {
		t.Fatalf("read back %+v", got)
	}
}

// noTempFiles fails if a temporary file of Write is left in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if isTempName(e.Name()) {
			t.Errorf("temporary file left in %s: %s", dir, e.Name())
		}
	}
}

func skipWithoutUnixModes(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
}

// TestWriteModes is issue 8 item 9: snapshots were always written 0644,
// readable by every local user although a snapshot is a full map of the
// network, and an existing 0600 file was downgraded to 0644.
func TestWriteModes(t *testing.T) {
	skipWithoutUnixModes(t)
	for _, tc := range []struct {
		name     string
		existing fs.FileMode // 0: no file yet
		want     fs.FileMode
	}{
		{"a new snapshot is readable by its owner only", 0, 0o600},
		{"an existing 0600 file stays 0600", 0o600, 0o600},
		{"an existing 0640 file keeps its group read", 0o640, 0o640},
		{"an existing 0644 file stays 0644", 0o644, 0o644},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "snap.json")
			if tc.existing != 0 {
				if err := os.WriteFile(path, []byte("old"), tc.existing); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.existing); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			if err := Write(path, testSnapshot()); err != nil {
				t.Fatal(err)
			}
			readBack(t, path)
			if got := mode(t, path); got != tc.want {
				t.Errorf("mode %04o, want %04o", got, tc.want)
			}
		})
	}
}

// TestWriteThroughSymlink is issue 8 item 9: a symlinked --out was
// replaced by a plain file. The link must stay a link and its target be
// replaced atomically, in the target's folder.
func TestWriteThroughSymlink(t *testing.T) {
	skipWithoutUnixModes(t)
	for _, tc := range []struct {
		name string
		// link returns the link to write through, given the folder of the
		// link and the (absolute) target.
		linkTo       func(linkDir, target string) string
		targetExists bool
	}{
		{"absolute link to an existing file", func(_, target string) string { return target }, true},
		{"relative link into another folder", func(linkDir, target string) string {
			rel, err := filepath.Rel(linkDir, target)
			if err != nil {
				panic(err)
			}
			return rel
		}, true},
		{"dangling link creates its target", func(_, target string) string { return target }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			linkDir, targetDir := filepath.Join(root, "links"), filepath.Join(root, "data")
			for _, d := range []string{linkDir, targetDir} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			target := filepath.Join(targetDir, "prod.json")
			if tc.targetExists {
				if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			link := filepath.Join(linkDir, "current.json")
			dest := tc.linkTo(linkDir, target)
			if err := os.Symlink(dest, link); err != nil {
				t.Fatal(err)
			}
			if err := Write(link, testSnapshot()); err != nil {
				t.Fatal(err)
			}
			st, err := os.Lstat(link)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("the link was replaced by a %v", st.Mode())
			}
			if got, _ := os.Readlink(link); got != dest {
				t.Errorf("the link now points to %q, want %q", got, dest)
			}
			readBack(t, target)
			if got := mode(t, target); got != 0o600 {
				t.Errorf("target mode %04o, want 0600", got)
			}
			noTempFiles(t, linkDir)
			noTempFiles(t, targetDir)
		})
	}
}

// TestWriteCleansStaleTemporaryFiles is issue 8 item 9: a write killed
// mid-way left a hidden temporary file (up to 48 MB) behind for good. The
// next write to the folder removes those older than staleAfter, and leaves
// a recent one (a write still running) and other files alone.
func TestWriteCleansStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	// What a killed Write leaves: a temporary file named the way Write
	// names them.
	killed, err := os.CreateTemp(dir, ".snap.json"+tempInfix+"*"+tempSuffix)
	if err != nil {
		t.Fatal(err)
	}
	killed.Close()
	otherTarget, err := os.CreateTemp(dir, ".other.json"+tempInfix+"*"+tempSuffix)
	if err != nil {
		t.Fatal(err)
	}
	otherTarget.Close()
	running, err := os.CreateTemp(dir, ".snap.json"+tempInfix+"*"+tempSuffix)
	if err != nil {
		t.Fatal(err)
	}
	running.Close()
	notOurs := filepath.Join(dir, ".editor.tmp")
	if err := os.WriteFile(notOurs, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-staleAfter - time.Minute)
	for _, p := range []string{killed.Name(), otherTarget.Name(), notOurs} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(path, testSnapshot()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		kept       bool
	}{
		{"stale temporary file of this snapshot is removed", killed.Name(), false},
		{"stale temporary file of another snapshot is removed", otherTarget.Name(), false},
		{"recent temporary file (a write still running) is kept", running.Name(), true},
		{"a hidden .tmp file that is not Write's is kept", notOurs, true},
		{"the snapshot is written", path, true},
	} {
		_, err := os.Stat(tc.path)
		if kept := err == nil; kept != tc.kept {
			t.Errorf("%s: exists %t, want %t", tc.name, kept, tc.kept)
		}
	}
}

func TestWriteRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	err := Write(dir, testSnapshot())
	if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Fatalf("Write over a folder: %v", err)
	}
	noTempFiles(t, dir)
	noTempFiles(t, filepath.Dir(dir))
}

func TestTempNamesAreRecognised(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("n", 250) + ".json"
	if err := Write(filepath.Join(dir, long), testSnapshot()); err != nil {
		t.Fatalf("a 255-byte file name: %v", err)
	}
	for _, tc := range []struct {
		name string
		want bool
	}{
		{".snap.json.vpcscope-123456.tmp", true},
		{"snap.json.vpcscope-123456.tmp", false}, // not hidden
		{".snap.json.123456.tmp", false},         // another program's
		{".snap.json.vpcscope-123456.tmp.bak", false},
	} {
		if got := isTempName(tc.name); got != tc.want {
			t.Errorf("isTempName(%q) = %t, want %t", tc.name, got, tc.want)
		}
	}
}
