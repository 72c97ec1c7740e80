// Package fakeaws is an AWS endpoint for tests: it answers the EC2 and
// Elastic Load Balancing v2 Query APIs and STS GetCallerIdentity with XML
// rendered from a model.Snapshot, the AWS Network Firewall and Direct
// Connect JSON APIs rendered from it too, the Organizations API (JSON) and STS
// AssumeRole for an Organization the test sets (and, for flow logs, CloudWatch Logs
// FilterLogEvents and S3 ListObjectsV2 and GetObject from what the test
// puts there), on 127.0.0.1, the way AWS would answer an
// account that holds those resources. It injects what real endpoints do
// now and then: multi-page answers, throttling, denied calls, slow regions
// and malformed responses.
//
// A fault can also hang a call (accept the request and never answer, or
// answer the headers and stall the body) and rewrite an answer's XML (a
// value AWS or an emulator sends that the model refuses).
//
// It imports no AWS SDK code: the SDK's own deserializers, reading what it
// renders, are an independent check of both sides.
package fakeaws

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vpcscope/vpcscope/model"
)

// Secret is the secret access key of every fake account; the server does
// not check signatures.
const Secret = "fakeaws-secret"

// AccessKey returns the access key ID that identifies account to the server.
func AccessKey(account string) string { return "AKIA" + account }

// Fault makes the server answer some requests with an error, a delay or
// garbage instead of the data. Empty fields match every request.
type Fault struct {
	Service string // ec2, elbv2, sts, organizations, logs, s3, wafv2, shield, network-firewall or directconnect
	Action  string // e.g. DescribeNetworkAcls
	Account string
	Region  string
	// Code is the AWS error code to answer with (UnauthorizedOperation,
	// RequestLimitExceeded, ...), with Status (default 400).
	Code   string
	Status int
	// Delay stalls the answer (a slow region); it ends early when the
	// client goes away.
	Delay time.Duration
	// Malformed answers XML that ends half-way.
	Malformed bool
	// Hang accepts the request and never answers: no status line, no
	// headers, until the client gives up or the server closes (a stuck
	// proxy or load balancer in front of the endpoint).
	Hang bool
	// HangBody sends the status line, the headers and the start of the
	// body, then stalls the same way.
	HangBody bool
	// Rewrite, when set, edits the XML body of an answer that would
	// succeed, e.g. to put a value there that the model refuses.
	Rewrite func(body string) string
	// Times is how many matching requests the fault hits; 0 means all.
	Times int

	hits int
}

// Server is a running fake endpoint.
type Server struct {
	closeOnce sync.Once
	// URL is the endpoint, e.g. http://127.0.0.1:41234.
	URL string

	srv  *httptest.Server
	snap *model.Snapshot
	// closed ends the hanging answers when the server closes.
	closed chan struct{}

	mu       sync.Mutex
	callsBy  map[string]map[string]int
	pageSize int
	latency  time.Duration
	faults   []*Fault
	calls    map[string]int
	regions  []string
	logs     map[string][]LogEvent
	objects  map[string]map[string][]byte
	org      *Organization
	assumed  []AssumeRoleRequest
	// shared maps the ID of each shared subnet to it.
	shared func() map[string]*model.Subnet
}

// New starts a server that serves snap. Each resource is visible to the
// account and region its Meta names (AWS-managed prefix lists, with no
// account, to every account; peering connections to both sides).
func New(snap *model.Snapshot) *Server {
	s := &Server{snap: snap, calls: make(map[string]int), closed: make(chan struct{})}
	s.shared = sync.OnceValue(func() map[string]*model.Subnet {
		out := make(map[string]*model.Subnet)
		for _, sn := range snap.Subnets {
			if sn.Shared() {
				out[sn.ID] = sn
			}
		}
		return out
	})
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server, ending the calls it keeps hanging. Closing
// twice is harmless.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.srv.Close()
	})
}

// SetPageSize caps every page at n items (0: as many as the caller asks).
func (s *Server) SetPageSize(n int) { s.mu.Lock(); s.pageSize = n; s.mu.Unlock() }

// SetLatency delays every answer by d, like a round trip to AWS.
func (s *Server) SetLatency(d time.Duration) { s.mu.Lock(); s.latency = d; s.mu.Unlock() }

// SetRegions sets what DescribeRegions lists (default: the snapshot's regions).
func (s *Server) SetRegions(rs ...string) { s.mu.Lock(); s.regions = rs; s.mu.Unlock() }

// AddFault adds a fault; faults are tried in the order added.
func (s *Server) AddFault(f Fault) { s.mu.Lock(); s.faults = append(s.faults, &f); s.mu.Unlock() }

// Calls returns how many requests each action received ("ec2:DescribeVpcs": 3, ...).
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// CallsBy returns how many requests each action received from account
// (signed with its keys or with the temporary keys of a role in it).
func (s *Server) CallsBy(account string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.callsBy[account]))
	for k, v := range s.callsBy[account] {
		out[k] = v
	}
	return out
}

// request is what the server read of one call.
type request struct {
	service, action, account, region string
	form                             map[string][]string
}

func (q *request) get(k string) string {
	if v := q.form[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// members returns the values of a Query list parameter (Name.member.1, ...
// or Name.1, ...), in order.
func (q *request) members(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := q.form[name+".member."+strconv.Itoa(i)]
		if !ok {
			v, ok = q.form[name+"."+strconv.Itoa(i)]
		}
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

var credentialRE = regexp.MustCompile(`Credential=([^/,\s]+)/[0-9]+/([^/]+)/([^/]+)/aws4_request`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := &request{action: r.PostForm.Get("Action"), form: r.PostForm}
	m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		s.writeError(w, "ec2", http.StatusBadRequest, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	q.region, q.service = m[2], m[3]
	switch key := m[1]; {
	case strings.HasPrefix(key, "ASIA"):
		// Temporary credentials from AssumeRole: the request must carry
		// their session token.
		q.account = strings.TrimPrefix(key, "ASIA")
		if r.Header.Get("X-Amz-Security-Token") != SessionToken(q.account) {
			s.writeError(w, q.service, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
	default:
		q.account = strings.TrimPrefix(key, "AKIA")
	}
	if t := jsonTarget(r); t != "" {
		q.action = t
	}
	switch q.service {
	case "elasticloadbalancing":
		q.service = "elbv2"
	case "s3":
		q.action = s3Action(r)
	}

	s.mu.Lock()
	s.calls[q.service+":"+q.action]++
	if s.callsBy == nil {
		s.callsBy = make(map[string]map[string]int)
	}
	if s.callsBy[q.account] == nil {
		s.callsBy[q.account] = make(map[string]int)
	}
	s.callsBy[q.account][q.service+":"+q.action]++
	latency := s.latency
	fault := s.match(q)
	s.mu.Unlock()

	if !sleep(r.Context(), latency) {
		return
	}
	if fault != nil {
		if !sleep(r.Context(), fault.Delay) {
			return
		}
		if fault.Hang {
			s.hang(r.Context())
			return
		}
		if fault.HangBody {
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "<%sResponse xmlns=%q>", q.action, ec2NS)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			s.hang(r.Context())
			return
		}
		if fault.Malformed {
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprintf(w, "<%sResponse><broken", q.action)
			return
		}
		if fault.Code != "" {
			s.writeError(w, q.service, cmpOr(fault.Status, http.StatusBadRequest), fault.Code, "injected fault")
			return
		}
	}
	if !s.known(q.account) {
		code := "AuthFailure"
		if q.service == "sts" {
			code = "InvalidClientTokenId"
		}
		s.writeError(w, q.service, http.StatusForbidden, code, "The security token included in the request is invalid.")
		return
	}
	switch {
	case q.service == "organizations":
		s.organizations(w, r, q)
		return
	case q.service == "sts" && q.action == "AssumeRole":
		body, status, msg := s.assumeRole(q)
		if status != http.StatusOK {
			s.writeError(w, q.service, status, "AccessDenied", msg)
			return
		}
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		_, _ = w.Write([]byte(body))
		return
	case q.service == "logs" && q.action == "FilterLogEvents":
		s.filterLogEvents(w, r)
		return
	case q.service == "s3":
		s.s3(w, r)
		return
	case q.service == "network-firewall" || q.service == "directconnect":
		s.jsonCall(w, r, q)
		return
	case jsonAPI(q.service):
		if !s.jsonService(w, r, q) {
			s.writeJSONError(w, http.StatusBadRequest, "InvalidAction", "The action "+q.action+" is not valid for this web service.")
		}
		return
	}
	var body string
	var ok bool
	switch q.service {
	case "ec2":
		body, ok = s.ec2(q)
	case "elbv2":
		body, ok = s.elb(q)
	case "sts":
		body, ok = s.sts(q)
	}
	if !ok {
		s.writeError(w, q.service, http.StatusBadRequest, "InvalidAction", "The action "+q.action+" is not valid for this web service.")
		return
	}
	if fault != nil && fault.Rewrite != nil {
		body = fault.Rewrite(body)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	_, _ = w.Write([]byte(body))
}

// hang waits until the client goes away or the server closes.
func (s *Server) hang(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.closed:
	}
}

// match returns the first fault that applies to q, counting the hit; the
// caller holds s.mu.
func (s *Server) match(q *request) *Fault {
	for _, f := range s.faults {
		if (f.Service == "" || f.Service == q.service) && (f.Action == "" || f.Action == q.action) && (f.Account == "" || f.Account == q.account) &&
			(f.Region == "" || f.Region == q.region) && (f.Times == 0 || f.hits < f.Times) {
			f.hits++
			c := *f
			return &c
		}
	}
	return nil
}

// known reports whether the snapshot holds anything of account, or the
// organization has it.
func (s *Server) known(account string) bool {
	s.mu.Lock()
	member := s.orgMember(account) != nil
	s.mu.Unlock()
	if member {
		return true
	}
	for _, sc := range s.snap.Scopes {
		if sc.Account == account {
			return true
		}
	}
	for r := range s.snap.All() {
		if r.Base().Account == account {
			return true
		}
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func (s *Server) writeError(w http.ResponseWriter, service string, status int, code, msg string) {
	if jsonAPI(service) || service == "logs" {
		s.writeJSONError(w, status, code, msg)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	if service == "ec2" {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>fake-request</RequestID></Response>`,
			escape(code), escape(msg))
		return
	}
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>`,
		escape(code), escape(msg))
}

// page cuts items to the page the request asks for: NextToken (or Marker)
// is the offset, MaxResults (or PageSize) the size, capped by the server's
// page size. It returns the page and the token of the next one.
func page[T any](s *Server, q *request, items []T) ([]T, string) {
	off, _ := strconv.Atoi(cmpStr(q.get("NextToken"), q.get("Marker")))
	size, _ := strconv.Atoi(cmpStr(q.get("MaxResults"), q.get("PageSize")))
	s.mu.Lock()
	if s.pageSize > 0 && (size == 0 || s.pageSize < size) {
		size = s.pageSize
	}
	s.mu.Unlock()
	if size <= 0 {
		size = len(items)
	}
	off = min(max(off, 0), len(items))
	end := min(off+size, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[off:end], next
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// visible returns the resources of xs that account sees in region.
func visible[T model.Resource](xs []T, account, region string) []T {
	var out []T
	for _, x := range xs {
		m := x.Base()
		if (m.Account == "" || m.Account == account) && (m.Region == "" || m.Region == region) {
			out = append(out, x)
		}
	}
	return out
}

// regionsOf lists the regions DescribeRegions answers.
func (s *Server) regionsOf() []string {
	s.mu.Lock()
	rs := slices.Clone(s.regions)
	s.mu.Unlock()
	if len(rs) > 0 {
		return rs
	}
	seen := map[string]bool{}
	for _, sc := range s.snap.Scopes {
		seen[sc.Region] = true
	}
	for r := range s.snap.All() {
		if r.Base().Region != "" {
			seen[r.Base().Region] = true
		}
	}
	for r := range seen {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	return rs
}
