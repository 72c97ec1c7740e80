package flowlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// parquet reads a Parquet file as VPC Flow Logs write it to S3: one
// column per field of the flow log's format, named with underscores
// (account_id, pkt_srcaddr), strings as BYTE_ARRAY and numbers as INT32
// or INT64, absent values as nulls. Columns are matched by name, in any
// order; unknown columns are ignored.
func (s *Scanner) parquet(ctx context.Context, name string, r io.ReaderAt, size int64) (err error) {
	s.stats.Files++
	defer func() {
		// parquet-go panics on some corrupt files: a bad file, not a crash.
		if v := recover(); v != nil {
			s.fail(&FileError{File: name, Err: fmt.Errorf("parquet: %v", v)})
			err = nil
		}
	}()
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		s.fail(&FileError{File: name, Err: fmt.Errorf("parquet: %w", err)})
		return nil
	}
	cols := f.Schema().Columns()
	fields := make([]Field, len(cols))
	var format Format
	for i, path := range cols {
		if len(path) == 1 {
			if fl, ok := ParseField(path[0]); ok {
				fields[i] = fl
				format = append(format, fl)
			}
		}
	}
	if len(format) == 0 {
		s.fail(&FileError{File: name, Err: fmt.Errorf("parquet: no flow-log columns (want version, srcaddr, action, ...; have %s)", columnNames(cols))})
		return nil
	}
	p := s.newParser(format)
	rd := parquet.NewReader(f)
	defer rd.Close()
	rows := make([]parquet.Row, 256)
	var n int64
	for {
		k, rerr := rd.ReadRows(rows)
		for _, row := range rows[:k] {
			n++
			if err := s.parquetRow(p, fields, row, name, n); err != nil {
				return err
			}
		}
		if rerr != nil {
			if !errors.Is(rerr, io.EOF) {
				s.fail(&FileError{File: name, Err: fmt.Errorf("parquet: row %d: %w", n+1, rerr)})
			}
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// parquetRow fills the record from one row.
func (s *Scanner) parquetRow(p *parser, fields []Field, row parquet.Row, name string, n int64) error {
	r := &s.rec
	r.reset()
	var num [24]byte
	for _, v := range row {
		c := v.Column()
		if c < 0 || c >= len(fields) || fields[c] == FieldUnknown || v.IsNull() {
			continue
		}
		var text []byte
		switch v.Kind() {
		case parquet.Int32:
			text = appendInt(num[:0], int64(v.Int32()))
		case parquet.Int64:
			text = appendInt(num[:0], v.Int64())
		case parquet.ByteArray, parquet.FixedLenByteArray:
			text = v.ByteArray()
		default:
			s.fail(&LineError{File: name, Line: n, Field: fields[c], Msg: fmt.Sprintf("parquet type %s is not a string or integer", v.Kind())})
			return nil
		}
		s.stats.Bytes += int64(len(text)) + 1
		if err := p.set(r, fields[c], text); err != nil {
			s.fail(&LineError{File: name, Line: n, Field: fields[c], Msg: err.Error()})
			return nil
		}
	}
	if err := p.check(r, name, n); err != nil {
		s.fail(err)
		return nil
	}
	return s.deliver()
}

func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		return append(b, '-', '1') // not a flow-log value: refused by set
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

func columnNames(cols [][]string) string {
	var names []string
	for _, c := range cols {
		names = append(names, strings.Join(c, "."))
	}
	if len(names) > 6 {
		names = append(names[:6], "…")
	}
	return strings.Join(names, ", ")
}

// WriteParquet writes records as VPC Flow Logs deliver Parquet to S3: a
// column per field of format (underscored names), strings as optional
// UTF-8 byte arrays and numbers as optional INT32 or INT64 (packets,
// bytes, start and end), nulls for absent values, compressed with gzip.
func WriteParquet(w io.Writer, format Format, recs []Record) error {
	group := parquet.Group{}
	for _, f := range format {
		if f == FieldUnknown {
			continue
		}
		group[parquetName(f)] = parquet.Optional(parquetNode(f))
	}
	schema := parquet.NewSchema("flowlogs", group)
	pw := parquet.NewWriter(w, schema, parquet.Compression(&parquet.Gzip))
	cols := schema.Columns()
	row := make(parquet.Row, len(cols))
	for i := range recs {
		r := &recs[i]
		for c, path := range cols {
			f, _ := ParseField(path[0])
			row[c] = parquetValue(r, f).Level(0, 1, c)
			if row[c].IsNull() {
				row[c] = parquet.NullValue().Level(0, 0, c)
			}
		}
		if _, err := pw.WriteRows([]parquet.Row{row}); err != nil {
			return fmt.Errorf("write parquet: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}

func parquetName(f Field) string { return strings.ReplaceAll(f.String(), "-", "_") }

// parquetNode is a field's Parquet type, per AWS's field table.
func parquetNode(f Field) parquet.Node {
	switch f {
	case FieldPackets, FieldBytes, FieldStart, FieldEnd:
		return parquet.Int(64)
	case FieldVersion, FieldSrcPort, FieldDstPort, FieldProtocol, FieldTCPFlags, FieldTrafficPath:
		return parquet.Int(32)
	}
	return parquet.String()
}

// parquetValue is a field's value, or null when absent.
func parquetValue(r *Record, f Field) parquet.Value {
	text := string(appendField(nil, r, f))
	if text == "-" {
		return parquet.NullValue()
	}
	switch f {
	case FieldPackets, FieldBytes, FieldStart, FieldEnd:
		n, _ := atoi([]byte(text), 1<<62)
		return parquet.Int64Value(n)
	case FieldVersion, FieldSrcPort, FieldDstPort, FieldProtocol, FieldTCPFlags, FieldTrafficPath:
		n, _ := atoi([]byte(text), 1<<31)
		return parquet.Int32Value(int32(n))
	}
	return parquet.ByteArrayValue([]byte(text))
}
