//go:build unix

package awsjson

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReadDirSkipsWhatIsNotARegularFile: a FIFO named *.json hung the load
// for good (issue 8, item 4); it is skipped with a note, never opened, and
// so is a link to a device.
func TestReadDirSkipsWhatIsNotARegularFile(t *testing.T) {
	dir := writeFiles(t, coreFiles("us-east-1", "1"))
	if err := syscall.Mkfifo(filepath.Join(dir, "us-east-1", "pipe.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "us-east-1", "zero.json")); err != nil {
		t.Fatal(err)
	}
	_, rep, err := ReadDir(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "skipped files", rep.SkippedFiles, []string{"us-east-1/pipe.json", "us-east-1/zero.json"})
	equal(t, "skipped", rep.Skipped, []SkippedKey{
		{File: "us-east-1/pipe.json", Reason: "a named pipe, not a regular file: not opened"},
		{File: "us-east-1/zero.json", Reason: "a character device, not a regular file: not opened"},
	})
}
