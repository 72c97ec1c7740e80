package snapfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vpcscope/vpcscope/model"
)

// Temporary files are named "." + the target's name + ".vpcscope-" +
// random digits + ".tmp", hidden beside the file they will replace.
const (
	tempInfix   = ".vpcscope-"
	tempSuffix  = ".tmp"
	maxTempBase = 200
)

// staleAfter is how old a temporary file must be before a later Write to
// its folder removes it. A Write holds its temporary file for as long as
// it takes to write the encoded snapshot once (seconds for the largest
// accounts), so one untouched for an hour was left by a write that was
// killed, never by one still running — on this machine or another one
// sharing the folder, which is why the age decides and not a process ID.
const staleAfter = time.Hour

// Write saves the snapshot to path atomically: it writes a hidden
// temporary file in the same folder and renames it over path, so a reader
// never sees a half-written snapshot and an interrupted write leaves the
// old file intact.
//
// A snapshot is a full map of a network, so a new file is readable by its
// owner only (0600, less whatever the umask removes); a file that exists
// keeps its permission bits. When path is a symbolic link the file it
// points to is replaced (in that file's folder) and the link stays a link;
// a dangling link gets its target created. A path that names something
// other than a regular file (a folder, a device) is an error. Temporary
// files of earlier writes to the folder that were killed mid-way (older
// than an hour) are removed.
func Write(path string, s *model.Snapshot) error {
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		return err
	}
	return WriteFile(path, "snapshot", buf.Bytes())
}

// WriteFile saves data to path the way Write saves a snapshot: atomically,
// readable by its owner only when new, keeping an existing file's mode and
// a symbolic link a link. what names the file in errors ("write review
// FILE: ...").
func WriteFile(path, what string, data []byte) error {
	target, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("write %s %s: %w", what, path, err)
	}
	var keep *fs.FileMode // the mode of the file replaced, if any
	switch st, err := os.Stat(target); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("write %s %s: %w", what, path, err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("write %s %s: %s is not a regular file; for standard output use -", what, path, target)
	default:
		m := st.Mode().Perm()
		keep = &m
	}
	dir := filepath.Dir(target)
	removeStale(dir, time.Now())
	if err := writeAndRename(dir, target, keep, data); err != nil {
		return fmt.Errorf("write %s %s: %w", what, path, err)
	}
	return nil
}

// writeAndRename writes data to a new temporary file in dir and renames it
// over target, removing it on any failure. The file keeps os.CreateTemp's
// mode (0600 less the umask) unless keep gives the mode of the file it
// replaces.
func writeAndRename(dir, target string, keep *fs.FileMode, data []byte) (err error) {
	name := filepath.Base(target)
	if len(name) > maxTempBase {
		name = name[:maxTempBase] // leave room for the affixes within NAME_MAX
	}
	tmp, err := os.CreateTemp(dir, "."+name+tempInfix+"*"+tempSuffix)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if keep != nil {
		if err := tmp.Chmod(*keep); err != nil {
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir asks the file system to persist the folder's entries, so the
// rename survives a crash. Not every file system can; that is no error.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// isTempName reports whether a folder entry is one of Write's temporary
// files.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempInfix) && strings.HasSuffix(name, tempSuffix)
}

// removeStale deletes the temporary files in dir that a killed Write left
// behind: regular files named like Write's, not modified for staleAfter.
// It is best effort: a folder it cannot list or a file it cannot remove is
// left alone.
func removeStale(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// maxLinks bounds the symbolic links resolveLinks follows, as the kernel
// does (ELOOP).
const maxLinks = 40

// resolveLinks returns the file path names once every symbolic link on the
// way is followed: its folder resolved, then the last element followed
// while it is a link. A dangling link resolves to the missing file it
// names.
func resolveLinks(path string) (string, error) {
	for range maxLinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, filepath.Base(path))
		st, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		path = link
	}
	return "", fmt.Errorf("more than %d symbolic links", maxLinks)
}
