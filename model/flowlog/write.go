package flowlog

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// TextWriter writes records as the text lines AWS delivers: to S3 with a
// header line naming the fields, to CloudWatch Logs without one.
type TextWriter struct {
	w      *bufio.Writer
	format Format
	buf    []byte
}

// NewTextWriter returns a writer of format; header writes the header line
// first, as in S3 files.
func NewTextWriter(w io.Writer, format Format, header bool) (*TextWriter, error) {
	t := &TextWriter{w: bufio.NewWriterSize(w, 1<<16), format: format}
	if header {
		if _, err := t.w.WriteString(format.String() + "\n"); err != nil {
			return nil, fmt.Errorf("write flow-log header: %w", err)
		}
	}
	return t, nil
}

// Write writes one record as a line.
func (t *TextWriter) Write(r *Record) error {
	t.buf = append(r.AppendText(t.buf[:0], t.format), '\n')
	if _, err := t.w.Write(t.buf); err != nil {
		return fmt.Errorf("write flow-log record: %w", err)
	}
	return nil
}

// Flush writes what is buffered.
func (t *TextWriter) Flush() error {
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("write flow-log records: %w", err)
	}
	return nil
}

// WriteCloudWatchExport writes records as `aws logs filter-log-events`
// prints them: {"events": [{"logStreamName", "timestamp", "message",
// "ingestionTime", "eventId"}], "searchedLogStreams": []}, one event per
// record, in the flow log's format (no header: CloudWatch Logs has none).
func WriteCloudWatchExport(w io.Writer, format Format, recs []Record) error {
	type event struct {
		LogStreamName string `json:"logStreamName"`
		Timestamp     int64  `json:"timestamp"`
		Message       string `json:"message"`
		IngestionTime int64  `json:"ingestionTime"`
		EventID       string `json:"eventId"`
	}
	out := struct {
		Events             []event  `json:"events"`
		SearchedLogStreams []string `json:"searchedLogStreams"`
	}{Events: make([]event, len(recs)), SearchedLogStreams: []string{}}
	for i := range recs {
		r := &recs[i]
		out.Events[i] = event{LogStreamName: r.InterfaceID + "-all", Timestamp: r.Start * 1000,
			Message: string(r.AppendText(nil, format)), IngestionTime: r.End*1000 + 5000, EventID: fmt.Sprintf("%056d", i)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write CloudWatch Logs export: %w", err)
	}
	return nil
}
