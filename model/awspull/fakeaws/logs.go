package fakeaws

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// LogEvent is an event of a fake CloudWatch Logs group.
type LogEvent struct {
	Stream    string
	Timestamp int64 // Unix milliseconds
	Message   string
}

// PutLogEvents adds events to a CloudWatch Logs group that
// FilterLogEvents answers from (every account and region sees it).
func (s *Server) PutLogEvents(group string, events ...LogEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.logs == nil {
		s.logs = map[string][]LogEvent{}
	}
	s.logs[group] = append(s.logs[group], events...)
}

// PutObject stores an S3 object that ListObjectsV2 and GetObject answer
// from (path-style requests: /bucket/key).
func (s *Server) PutObject(bucket, key string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.objects == nil {
		s.objects = map[string]map[string][]byte{}
	}
	if s.objects[bucket] == nil {
		s.objects[bucket] = map[string][]byte{}
	}
	s.objects[bucket][key] = slices.Clone(data)
}

// filterLogEvents answers FilterLogEvents: the group's events from
// startTime on whose message contains the filter pattern's terms (a
// plain-text pattern; the JSON and space-delimited pattern syntaxes are
// not modelled), a page of at most limit (or the server's page size) at a
// time.
func (s *Server) filterLogEvents(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		StartTime     int64  `json:"startTime"`
		FilterPattern string `json:"filterPattern"`
		NextToken     string `json:"nextToken"`
		Limit         int    `json:"limit"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		s.writeJSONError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	s.mu.Lock()
	evs, ok := s.logs[in.LogGroupName]
	size := s.pageSize
	s.mu.Unlock()
	if !ok {
		s.writeJSONError(w, http.StatusBadRequest, "ResourceNotFoundException", "The specified log group does not exist.")
		return
	}
	var match []LogEvent
	for _, e := range evs {
		if e.Timestamp >= in.StartTime && patternMatches(in.FilterPattern, e.Message) {
			match = append(match, e)
		}
	}
	off, _ := strconv.Atoi(in.NextToken)
	off = min(max(off, 0), len(match))
	if in.Limit > 0 && (size == 0 || in.Limit < size) {
		size = in.Limit
	}
	if size <= 0 {
		size = len(match)
	}
	end := min(off+size, len(match))
	type event struct {
		LogStreamName string `json:"logStreamName"`
		Timestamp     int64  `json:"timestamp"`
		Message       string `json:"message"`
		IngestionTime int64  `json:"ingestionTime"`
		EventID       string `json:"eventId"`
	}
	out := struct {
		Events    []event `json:"events"`
		NextToken string  `json:"nextToken,omitempty"`
	}{Events: []event{}}
	for i, e := range match[off:end] {
		out.Events = append(out.Events, event{e.Stream, e.Timestamp, e.Message, e.Timestamp + 1000, fmt.Sprintf("%056d", off+i)})
	}
	if end < len(match) {
		out.NextToken = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func patternMatches(pattern, msg string) bool {
	for _, term := range strings.Fields(pattern) {
		if !strings.Contains(msg, strings.Trim(term, `"`)) {
			return false
		}
	}
	return true
}

func (s *Server) writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSONError(w, status, code, msg)
}

// s3Action names an S3 request by its IAM action: s3:ListBucket for a
// listing, s3:GetObject for an object.
func s3Action(r *http.Request) string {
	if _, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); key != "" {
		return "GetObject"
	}
	return "ListBucket"
}

// s3 answers ListObjectsV2 (GET /bucket?list-type=2&prefix=...) and
// GetObject (GET /bucket/key), path style.
func (s *Server) s3(w http.ResponseWriter, r *http.Request) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s.mu.Lock()
	objs, ok := s.objects[bucket]
	var keys []string
	for k := range objs {
		keys = append(keys, k)
	}
	data, found := objs[key]
	size := s.pageSize
	s.mu.Unlock()
	if !ok {
		s.writeS3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	if key != "" {
		if !found {
			s.writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
		return
	}
	prefix := r.URL.Query().Get("prefix")
	slices.Sort(keys)
	var match []string
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			match = append(match, k)
		}
	}
	off, _ := strconv.Atoi(r.URL.Query().Get("continuation-token"))
	off = min(max(off, 0), len(match))
	if size <= 0 {
		size = 1000
	}
	end := min(off+size, len(match))
	x := &xw{}
	x.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	x.text("Name", bucket)
	x.text("Prefix", prefix)
	x.num("KeyCount", int64(end-off))
	x.num("MaxKeys", 1000)
	x.boolean("IsTruncated", end < len(match))
	for _, k := range match[off:end] {
		x.el("Contents", func() {
			x.text("Key", k)
			x.num("Size", int64(len(objs[k])))
			x.text("StorageClass", "STANDARD")
		})
	}
	if end < len(match) {
		x.text("NextContinuationToken", strconv.Itoa(end))
	}
	x.b.WriteString("</ListBucketResult>")
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write([]byte(x.b.String()))
}

func (s *Server) writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>fake-request</RequestId></Error>`, escape(code), escape(msg))
}
