//go:build unix

package jsonin

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"a named pipe is refused without being opened", fifo, "a named pipe, not a regular file"},
		{"a character device such as /dev/zero is refused", "/dev/zero", "a character device, not a regular file"},
		{"a folder is refused", dir, "a folder, not a regular file"},
		{"a file over the limit is refused before it is read", big, "100 bytes, over the 64 bytes limit for one file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, err := Open(tt.path, tt.path, 64)
			if err == nil {
				f.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
		})
	}
}
