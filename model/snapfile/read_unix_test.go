//go:build unix

package snapfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadRefusesWhatIsNotASnapshot: --snapshot /dev/zero exhausted
// memory (issue 8, item 4); a device or a pipe is refused without being
// read, and a file over the limit before it is.
func TestReadRefusesWhatIsNotASnapshot(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		opts       ReadOptions
		want       string
	}{
		{"/dev/zero", "/dev/zero", ReadOptions{}, "read snapshot /dev/zero: a character device, neither a snapshot file nor a folder of AWS CLI outputs"},
		{"a named pipe", fifo, ReadOptions{}, "a named pipe, neither a snapshot file nor a folder"},
		{"a file over the per-file limit", big, ReadOptions{MaxFileSize: 10}, "big.json: 66 bytes, over the 10 bytes limit for one file"},
		{"a file over the total limit", big, ReadOptions{MaxTotalSize: 20}, "big.json: 66 bytes, over the 20 bytes limit for one file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(context.Background(), tt.path, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
