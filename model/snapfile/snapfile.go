// Package snapfile reads and writes vpcscope snapshot files: versioned JSON
// documents that hold a whole model.Snapshot. Read also accepts a folder of
// AWS CLI describe-* outputs, so every command takes either.
package snapfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
	"github.com/vpcscope/vpcscope/model/internal/jsonpos"
)

// ReadOptions bound what Read takes in: the size of each file and of all
// the files of a folder together (awsjson.DefaultMaxFileSize and
// awsjson.DefaultMaxTotalSize unless set).
type ReadOptions = awsjson.ReadOptions

// ErrTooLarge is wrapped by the error for an input over a size limit.
var ErrTooLarge = jsonin.ErrTooLarge

// Decode reads a snapshot document from r, at most
// awsjson.DefaultMaxFileSize bytes of it. name labels errors (a path).
// See Unmarshal.
func Decode(r io.Reader, name string) (*model.Snapshot, error) {
	limit, _ := ReadOptions{}.Limits()
	data, err := io.ReadAll(jsonin.NewReader(context.Background(), r, name, limit))
	if err != nil {
		var ge *jsonin.GuardError
		if errors.As(err, &ge) {
			return nil, err
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return Unmarshal(data, name)
}

// Unmarshal decodes a snapshot document held in memory. It refuses
// documents without a schema field and schemas newer than
// model.SchemaVersion, and with a located one-line error: null list
// elements, resources without an ID, and a resource listed twice with
// different content (model.Combine; records that can both be right are
// combined into one, identical ones silently).
func Unmarshal(data []byte, name string) (*model.Snapshot, error) {
	if isParts(data[:min(len(data), 4096)]) {
		if s, err := decodeParallel(data); err == nil {
			return s, nil
		}
	}
	return decode(jsonin.BytesSource(name, data))
}

// Encode writes the snapshot as indented JSON: in parts, encoded in
// parallel, with the current schema version when it holds more than one
// account and region, else flat with schema 1, which every vpcscope
// version reads.
func Encode(w io.Writer, s *model.Snapshot) error {
	if parts := splitParts(s); len(parts) > 1 {
		return encodeParts(w, s, parts)
	}
	out := *s
	out.Schema = schemaFlat
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

// Notes are what a read found worth telling the user without failing.
type Notes struct {
	// Skipped counts the files of a folder that contributed nothing: no
	// output vpcscope reads, empty with a name that does not say what they
	// should hold, or not regular files (never opened).
	Skipped int
	// Lines are the notes, one line each: every skipped file and key, and
	// links to resources no file describes, truncated outputs, ...
	Lines []string
}

// Read loads a snapshot from path: a snapshot file, or a folder of AWS CLI
// describe-* outputs (see awsjson.ReadDir), whose report it returns as
// notes. Anything else (a device such as /dev/zero, a named pipe) is
// refused without being read, and so is an input over opts' size limits
// (for a file, the smaller of the two). Read stops with ctx's error once
// ctx is done.
func Read(ctx context.Context, path string, opts ReadOptions) (*model.Snapshot, Notes, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, Notes{}, fmt.Errorf("read snapshot: %w", unwrapPathError(err))
	}
	if st.IsDir() {
		return readFolder(ctx, path, opts)
	}
	if !st.Mode().IsRegular() {
		return nil, Notes{}, fmt.Errorf("read snapshot %s: %s, neither a snapshot file nor a folder of AWS CLI outputs", path, jsonin.Kind(st.Mode()))
	}
	fileLimit, totalLimit := opts.Limits()
	limit := fileLimit
	if limit == 0 || (totalLimit > 0 && totalLimit < limit) {
		limit = totalLimit
	}
	if s, ok := readParallel(ctx, path, limit); ok {
		return s, Notes{}, nil
	}
	s, err := decode(jsonin.FileSource(ctx, path, path, limit))
	return s, Notes{}, err
}

// readParallel reads a snapshot file in parts whole and decodes its parts
// in parallel. ok is false for a flat file, one over limit, and one with
// a problem, which the sequential decoder reads (and locates) instead.
func readParallel(ctx context.Context, path string, limit int64) (*model.Snapshot, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	start := make([]byte, 4096)
	n, _ := io.ReadFull(f, start)
	if !isParts(start[:n]) {
		return nil, false
	}
	st, err := f.Stat()
	if err != nil || (limit > 0 && st.Size() > limit) {
		return nil, false
	}
	data := make([]byte, st.Size())
	copy(data, start[:n])
	if _, err := io.ReadFull(f, data[n:]); err != nil || ctx.Err() != nil {
		return nil, false
	}
	s, err := decodeParallel(data)
	return s, err == nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// readFolder reads a folder of AWS CLI outputs.
func readFolder(ctx context.Context, path string, opts ReadOptions) (*model.Snapshot, Notes, error) {
	s, rep, err := awsjson.ReadDir(ctx, path, opts)
	if err != nil {
		return nil, Notes{}, err
	}
	if s.Counts()[model.KindVPC] == 0 && len(s.NetworkInterfaces) == 0 {
		return nil, Notes{}, fmt.Errorf("%s: found no VPCs or network interfaces in %d JSON file(s); want the outputs of aws ec2 describe-* (see the README's import format)", path, rep.Files)
	}
	notes := Notes{Skipped: len(rep.SkippedFiles)}
	for _, sk := range rep.Skipped {
		if sk.Key == "" {
			notes.Lines = append(notes.Lines, fmt.Sprintf("skipped %s: %s", sk.File, sk.Reason))
		} else {
			notes.Lines = append(notes.Lines, fmt.Sprintf("skipped key %s in %s: %s", sk.Key, sk.File, sk.Reason))
		}
	}
	notes.Lines = append(notes.Lines, rep.Warnings...)
	return s, notes, nil
}

// errRetryCarefully tells decode that the fast pass met a problem that
// only the careful pass can locate.
var errRetryCarefully = errors.New("snapfile: retry on the careful pass")

// decode decodes a snapshot document element by element as it streams in,
// so that memory follows the resources kept, not the input. A document
// with a problem is read again carefully, keeping each element's text and
// offset, so that the error names its line and column.
func decode(src jsonin.Source) (*model.Snapshot, error) {
	s, err := decodePass(src, false)
	if errors.Is(err, errRetryCarefully) {
		s, err = decodePass(src, true)
	}
	return s, err
}

// decoder is the state of one pass over a snapshot document.
type decoder struct {
	src     jsonin.Source
	dec     *json.Decoder
	careful bool
	s       *model.Snapshot
	schema  *int
	// seen holds each resource decoded so far by model.Identity.
	seen map[model.Key]seen
}

// seen is a resource decoded, with where: its path and, on the careful
// pass, its offset.
type seen struct {
	r    model.Resource
	path string
	off  int64
}

func decodePass(src jsonin.Source, careful bool) (*model.Snapshot, error) {
	r, err := src.Open()
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer r.Close()
	d := &decoder{src: src, dec: json.NewDecoder(r), careful: careful, s: new(model.Snapshot), seen: make(map[model.Key]seen)}
	if err := d.document(); err != nil {
		return nil, d.classify(err)
	}
	if d.schema == nil {
		return nil, fmt.Errorf("%s: not a vpcscope snapshot (no \"schema\" field); for AWS CLI output pass its folder", src.Name)
	}
	return d.s, nil
}

// classify turns an error met while decoding into what decode returns:
// located errors, and those jsonin.Final says stand, as they are; syntax
// errors located by reading the document whole; anything else a reason to
// take the careful pass.
func (d *decoder) classify(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, errRetryCarefully), errors.As(err, new(*located)), jsonin.Final(err):
		return err
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		data, serr, rerr := d.src.Syntax(err)
		if rerr != nil {
			return rerr
		}
		return jsonpos.Wrap(d.src.Name, data, serr)
	case !d.careful:
		return errRetryCarefully
	}
	return fmt.Errorf("%s: %w", d.src.Name, err)
}

// located is an error already located in the document.
type located struct{ msg string }

func (e *located) Error() string { return e.msg }

// errorAt returns a located error at offset off, about the value at path.
func (d *decoder) errorAt(off int64, path, msg string) error {
	line, col := d.src.LineCol(off)
	if path != "" {
		msg = path + ": " + msg
	}
	return &located{fmt.Sprintf("%s:%d:%d: %s", d.src.Name, line, col, msg)}
}

// field is a member of the snapshot document.
type field struct {
	index []int
	// list is set for a list of resources.
	list bool
}

// fields maps the snapshot's JSON member names to its struct fields.
var fields = sync.OnceValue(func() map[string]field {
	out := make(map[string]field)
	t := reflect.TypeFor[model.Snapshot]()
	resource := reflect.TypeFor[model.Resource]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := bytes.Cut([]byte(f.Tag.Get("json")), []byte(","))
		list := f.Type.Kind() == reflect.Slice && f.Type.Elem().Implements(resource)
		out[string(name)] = field{index: f.Index, list: list}
	}
	return out
})

// document decodes the top-level object.
func (d *decoder) document() error {
	tok, err := d.dec.Token()
	switch {
	case err == io.EOF:
		return io.ErrUnexpectedEOF
	case err != nil:
		return err
	case tok != json.Delim('{'):
		return &located{fmt.Sprintf("%s: not a vpcscope snapshot (the document is not an object); for AWS CLI output pass its folder", d.src.Name)}
	}
	sv := reflect.ValueOf(d.s).Elem()
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch key {
		case "schema":
			if err := d.readSchema(); err != nil {
				return err
			}
			continue
		case "parts":
			if err := d.parts(sv); err != nil {
				return err
			}
			continue
		}
		f, ok := fields()[key]
		switch {
		case !ok:
			err = d.dec.Decode(new(jsonin.Discard))
		case f.list:
			err = d.list(key, sv.FieldByIndex(f.index))
		default:
			_, err = d.value(key, sv.FieldByIndex(f.index).Addr().Interface())
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing brace
		return err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return &json.SyntaxError{} // data after the document
	}
	return nil
}

// parts decodes the parts of a snapshot in parts: each an object of
// resource lists (and its account and region, which the resources name
// themselves), appended to the snapshot's lists.
func (d *decoder) parts(sv reflect.Value) error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return d.notAList("parts")
	}
	for i := 0; d.dec.More(); i++ {
		at := "parts[" + strconv.Itoa(i) + "]"
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		if tok != json.Delim('{') {
			return d.errorAt(d.dec.InputOffset()-1, at, "want an object")
		}
		for d.dec.More() {
			tok, err := d.dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			if f, ok := fields()[key]; ok && f.list {
				err = d.list(at+"."+key, sv.FieldByIndex(f.index))
			} else {
				err = d.dec.Decode(new(jsonin.Discard))
			}
			if err != nil {
				return err
			}
		}
		if _, err := d.dec.Token(); err != nil { // the part's closing brace
			return err
		}
	}
	_, err = d.dec.Token() // the closing bracket
	return err
}

// readSchema reads the schema version and refuses one this code cannot read.
func (d *decoder) readSchema() error {
	var v int
	if _, err := d.value("schema", &v); err != nil {
		return err
	}
	switch {
	case v > model.SchemaVersion:
		return &located{fmt.Sprintf("%s: snapshot schema %d is newer than this vpcscope reads (%d); upgrade vpcscope", d.src.Name, v, model.SchemaVersion)}
	case v < 1:
		return &located{fmt.Sprintf("%s: invalid snapshot schema %d", d.src.Name, v)}
	}
	d.schema = &v
	d.s.Schema = v
	return nil
}

// value decodes the next value into v, and returns its offset on the
// careful pass (-1 on the fast one).
func (d *decoder) value(path string, v any) (int64, error) {
	if !d.careful {
		return -1, d.dec.Decode(v)
	}
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return 0, err
	}
	base := d.dec.InputOffset() - int64(len(raw))
	if err := json.Unmarshal(raw, v); err != nil {
		off, fieldPath, msg, ok := jsonpos.Describe(raw, err)
		if !ok {
			return base, d.errorAt(base, path, msg)
		}
		if fieldPath != "" && fieldPath != "value" {
			path += "." + fieldPath
		}
		return base, d.errorAt(base+off, path, msg)
	}
	return base, nil
}

// list decodes a list of resources into the slice field, one element at a
// time; an element that repeats one decoded before is combined with it.
func (d *decoder) list(key string, field reflect.Value) error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // null: none
		return nil
	}
	if tok != json.Delim('[') {
		return d.notAList(key)
	}
	elem := field.Type().Elem().Elem()
	for i := 0; d.dec.More(); i++ {
		p := reflect.New(elem)
		path := key + "[" + strconv.Itoa(i) + "]"
		off, err := d.value(path, p.Interface())
		if err != nil {
			return err
		}
		r := p.Interface().(model.Resource)
		if r.Base().ID == "" {
			return d.fail(off, path, "missing id: every resource has one")
		}
		id := model.Identity(r)
		if prev, ok := d.seen[id]; ok {
			if err := model.Combine(prev.r, r); err != nil {
				return d.conflict(off, path, prev, err)
			}
			continue
		}
		d.seen[id] = seen{r: r, path: path, off: off}
		field.Set(reflect.Append(field, p))
	}
	_, err = d.dec.Token() // the closing bracket
	return err
}

// notAList is the error for a list member holding something else.
func (d *decoder) notAList(key string) error {
	return d.errorAt(d.dec.InputOffset()-1, key, "want a list")
}

// fail returns a located error on the careful pass, and sends the fast one
// to the careful pass.
func (d *decoder) fail(off int64, path, msg string) error {
	if !d.careful {
		return errRetryCarefully
	}
	return d.errorAt(off, path, msg)
}

// conflict is the error for a resource listed twice, differently.
func (d *decoder) conflict(off int64, path string, prev seen, err error) error {
	if !d.careful {
		return errRetryCarefully
	}
	var c *model.Conflict
	if !errors.As(err, &c) {
		return d.errorAt(off, path, err.Error())
	}
	line, _ := d.src.LineCol(prev.off)
	return d.errorAt(off, path, fmt.Sprintf("%s %s again, differently from %s (line %d): %s %s there, %s here; keep one",
		c.Kind, c.ID, prev.path, line, c.Field, c.Held, c.Other))
}

// LocateError rewrites an encoding/json error from decoding data as
// "name:line:col: message", for other JSON files vpcscope reads (a review
// file) to report their errors the way snapshot files do.
func LocateError(name string, data []byte, err error) error {
	return jsonpos.Wrap(name, data, err)
}
