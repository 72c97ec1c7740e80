package flowlog

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
)

// cloudWatchExport reads the JSON of `aws logs filter-log-events` or
// `aws logs get-log-events`: an object whose "events" array holds
// {"logStreamName", "timestamp", "message", ...}; each message is a
// record. The array is decoded one event at a time.
func (s *Scanner) cloudWatchExport(ctx context.Context, name string, br *bufio.Reader) error {
	s.msg = nil // each export may have its own format
	dec := json.NewDecoder(br)
	bad := func(err error) error {
		s.fail(&FileError{File: name, Err: fmt.Errorf("CloudWatch Logs export: %w", err)})
		return nil
	}
	tok, err := dec.Token()
	if err != nil {
		return bad(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return bad(fmt.Errorf("want an object with an \"events\" array (the output of aws logs filter-log-events)"))
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		if key, _ := tok.(string); key != "events" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
			continue
		}
		found = true
		if tok, err := dec.Token(); err != nil {
			return bad(err)
		} else if d, ok := tok.(json.Delim); !ok || d != '[' {
			return bad(fmt.Errorf("\"events\" is not an array"))
		}
		var n int64
		for dec.More() {
			n++
			var ev struct {
				Message string `json:"message"`
			}
			if err := dec.Decode(&ev); err != nil {
				return bad(fmt.Errorf("event %d: %w", n, err))
			}
			if n&0xfff == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := s.Message(name, n, []byte(ev.Message)); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return bad(err)
		}
	}
	if !found {
		return bad(fmt.Errorf("no \"events\" array (want the output of aws logs filter-log-events)"))
	}
	return nil
}
