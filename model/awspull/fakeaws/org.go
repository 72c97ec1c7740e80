package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Organization is what the fake AWS Organizations API answers, and who
// may assume which role: the server's accounts, its tree of
// organizational units, and the roles each member account has.
type Organization struct {
	// Management is the management account: the only one whose calls to
	// the Organizations API are answered.
	Management string
	// Root is the ID of the organization's root, e.g. r-ab12.
	Root string
	// Units maps each organizational unit (ou-...) to its parent (the
	// root or another unit).
	Units map[string]string
	// Accounts are the member accounts, the management account included.
	Accounts []OrgAccount
}

// OrgAccount is one member account.
type OrgAccount struct {
	ID, Name string
	// Status is ACTIVE, SUSPENDED or PENDING_CLOSURE (default ACTIVE).
	Status string
	// Parent is the root or the unit that holds the account (default the root).
	Parent string
	// Roles are the names of the roles the management account may assume
	// in this account; an account without the role asked for answers
	// AssumeRole with AccessDenied, as AWS does.
	Roles []string
	// ExternalID, when set, is the external ID every role of the account
	// requires (its trust policy's sts:ExternalId condition).
	ExternalID string
}

// AssumeRoleRequest is what one AssumeRole call asked for.
type AssumeRoleRequest struct {
	// Caller is the account whose credentials signed the call.
	Caller string
	// RoleARN, RoleSessionName and ExternalID are the call's parameters.
	RoleARN, RoleSessionName, ExternalID string
}

// AssumedSecret is the secret access key of the credentials AssumeRole
// hands out for account; tests look for it where it must not be.
func AssumedSecret(account string) string { return "fakeaws-assumed-secret-" + account }

// SessionToken is the session token of the credentials AssumeRole hands
// out for account; requests signed with them must carry it.
func SessionToken(account string) string { return "fakeaws-session-token-" + account }

// assumedKey is the access key ID of the credentials AssumeRole hands out
// for account: temporary keys start with ASIA.
func assumedKey(account string) string { return "ASIA" + account }

// SetOrganization makes the server answer the Organizations API and STS
// AssumeRole for org.
func (s *Server) SetOrganization(org Organization) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.org = &org
}

// AssumeRoleRequests returns every AssumeRole call received, in order.
func (s *Server) AssumeRoleRequests() []AssumeRoleRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.assumed)
}

// orgMember returns the member account id, or nil.
func (s *Server) orgMember(id string) *OrgAccount {
	if s.org == nil {
		return nil
	}
	for i := range s.org.Accounts {
		if s.org.Accounts[i].ID == id {
			return &s.org.Accounts[i]
		}
	}
	return nil
}

// jsonTarget returns the action of an AWS JSON 1.1 request
// (X-Amz-Target: AWSOrganizationsV20161128.ListAccounts), or "".
func jsonTarget(r *http.Request) string {
	t := r.Header.Get("X-Amz-Target")
	if _, action, ok := strings.Cut(t, "."); ok {
		return action
	}
	return ""
}

// writeJSONError answers an AWS JSON 1.1 error.
func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	data, _ := json.Marshal(map[string]string{"__type": code, "Message": msg})
	_, _ = w.Write(data)
}

// organizations answers ListAccounts, ListAccountsForParent and
// ListOrganizationalUnitsForParent for the management account.
func (s *Server) organizations(w http.ResponseWriter, r *http.Request, q *request) {
	var in struct {
		ParentId   string
		NextToken  string
		MaxResults int
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSONError(w, http.StatusBadRequest, "InvalidInputException", "the request body is not JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	org := s.org
	s.mu.Unlock()
	switch {
	case org == nil:
		writeJSONError(w, http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
		return
	case q.account != org.Management:
		writeJSONError(w, http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
		return
	}
	parentKnown := in.ParentId == org.Root
	for ou := range org.Units {
		parentKnown = parentKnown || ou == in.ParentId
	}
	q.form = map[string][]string{"NextToken": {in.NextToken}, "MaxResults": {strconv.Itoa(in.MaxResults)}}
	out := map[string]any{}
	switch q.action {
	case "ListAccounts", "ListAccountsForParent":
		if q.action == "ListAccountsForParent" && !parentKnown {
			writeJSONError(w, http.StatusBadRequest, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
			return
		}
		var accts []map[string]any
		for _, a := range org.Accounts {
			parent := cmpStr(a.Parent, org.Root)
			if q.action == "ListAccountsForParent" && parent != in.ParentId {
				continue
			}
			status := cmpStr(a.Status, "ACTIVE")
			accts = append(accts, map[string]any{
				"Id": a.ID, "Name": a.Name, "Status": status, "State": status,
				"Arn":   "arn:aws:organizations::" + org.Management + ":account/o-fake/" + a.ID,
				"Email": a.ID + "@example.com", "JoinedMethod": "CREATED", "JoinedTimestamp": 1.7e9,
			})
		}
		page, next := page(s, q, accts)
		out["Accounts"] = page
		if next != "" {
			out["NextToken"] = next
		}
	case "ListOrganizationalUnitsForParent":
		if !parentKnown {
			writeJSONError(w, http.StatusBadRequest, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
			return
		}
		var units []map[string]any
		for _, ou := range slices.Sorted(mapKeys(org.Units)) {
			if org.Units[ou] == in.ParentId {
				units = append(units, map[string]any{"Id": ou, "Name": ou, "Arn": "arn:aws:organizations::" + org.Management + ":ou/o-fake/" + ou})
			}
		}
		page, next := page(s, q, units)
		out["OrganizationalUnits"] = page
		if next != "" {
			out["NextToken"] = next
		}
	default:
		writeJSONError(w, http.StatusBadRequest, "UnknownOperationException", "The action "+q.action+" is not valid for this web service.")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// assumeRole answers STS AssumeRole: credentials for a role the
// organization gives the member account, or AccessDenied as AWS answers
// for a role that is missing or does not trust the caller.
func (s *Server) assumeRole(q *request) (string, int, string) {
	req := AssumeRoleRequest{Caller: q.account, RoleARN: q.get("RoleArn"), RoleSessionName: q.get("RoleSessionName"), ExternalID: q.get("ExternalId")}
	s.mu.Lock()
	s.assumed = append(s.assumed, req)
	target, roleName := parseRoleARN(req.RoleARN)
	member := s.orgMember(target)
	ok := member != nil && slices.Contains(member.Roles, roleName) && member.ExternalID == req.ExternalID &&
		s.org.Management == q.account
	s.mu.Unlock()
	if !ok {
		return "", http.StatusForbidden, fmt.Sprintf("User: arn:aws:iam::%s:user/fakeaws is not authorized to perform: sts:AssumeRole on resource: %s", q.account, req.RoleARN)
	}
	w := &xw{item: "member"}
	w.b.WriteString(`<AssumeRoleResponse xmlns="` + stsNS + `"><AssumeRoleResult>`)
	w.el("Credentials", func() {
		w.text("AccessKeyId", assumedKey(target))
		w.text("SecretAccessKey", AssumedSecret(target))
		w.text("SessionToken", SessionToken(target))
		w.text("Expiration", "2099-01-01T00:00:00Z")
	})
	w.el("AssumedRoleUser", func() {
		w.text("Arn", "arn:aws:sts::"+target+":assumed-role/"+roleName+"/"+req.RoleSessionName)
		w.text("AssumedRoleId", "AROAFAKEAWS:"+req.RoleSessionName)
	})
	w.b.WriteString(`</AssumeRoleResult><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></AssumeRoleResponse>`)
	return w.b.String(), http.StatusOK, ""
}

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/NAME (NAME may have a
// path) into the account and the name without its path.
func parseRoleARN(arn string) (account, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "role/") {
		return "", ""
	}
	res := strings.TrimPrefix(parts[5], "role/")
	return parts[4], res[strings.LastIndex(res, "/")+1:]
}
