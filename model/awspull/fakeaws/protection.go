package fakeaws

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// jsonService answers the AWS WAF (wafv2) and AWS Shield JSON APIs from
// the snapshot's WebACLs, ShieldProtections and Shield states: wafv2
// ListWebACLs and ListResourcesForWebACL, shield GetSubscriptionState and
// ListProtections. It reports whether it knew the action.
func (s *Server) jsonService(w http.ResponseWriter, r *http.Request, q *request) bool {
	body, _ := io.ReadAll(r.Body)
	var in struct {
		WebACLArn    string
		ResourceType string
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			s.writeJSONError(w, http.StatusBadRequest, "SerializationException", err.Error())
			return true
		}
	}
	var out any
	switch q.service + ":" + q.action {
	case "wafv2:ListWebACLs":
		acls := []map[string]string{}
		for _, a := range visible(s.snap.WebACLs, q.account, q.region) {
			acls = append(acls, map[string]string{"Name": a.WebACLName, "Id": a.WebACLID, "ARN": a.ID, "LockToken": "fake-lock", "Description": ""})
		}
		out = map[string]any{"WebACLs": acls}
	case "wafv2:ListResourcesForWebACL":
		arns := []string{}
		for _, a := range visible(s.snap.WebACLs, q.account, q.region) {
			if a.ID != in.WebACLArn {
				continue
			}
			for _, res := range a.Resources {
				if resourceType(res) == cmpStr(in.ResourceType, "APPLICATION_LOAD_BALANCER") {
					arns = append(arns, res)
				}
			}
		}
		out = map[string]any{"ResourceArns": arns}
	case "shield:GetSubscriptionState":
		state := "INACTIVE"
		if st, ok := s.snap.ShieldFor(q.account); ok && st.Subscribed {
			state = "ACTIVE"
		}
		out = map[string]string{"SubscriptionState": state}
	case "shield:ListProtections":
		ps := []map[string]string{}
		for _, p := range s.snap.ShieldProtections {
			if p.Account == "" || p.Account == q.account {
				ps = append(ps, map[string]string{"Id": p.ID, "Name": p.ProtectionName, "ResourceArn": p.ResourceARN,
					"ProtectionArn": "arn:aws:shield::" + q.account + ":protection/" + p.ID})
			}
		}
		out = map[string]any{"Protections": ps}
	default:
		return false
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
	return true
}

// resourceType is the wafv2 ResourceType of an associated resource's ARN.
func resourceType(arn string) string {
	switch {
	case strings.Contains(arn, ":loadbalancer/app/"):
		return "APPLICATION_LOAD_BALANCER"
	case strings.HasPrefix(arn, "arn:aws:apigateway:"):
		return "API_GATEWAY"
	}
	return ""
}

// jsonAPI reports whether the service speaks the AWS JSON protocol.
func jsonAPI(service string) bool {
	return service == "wafv2" || service == "shield" || service == "organizations" || service == "network-firewall" || service == "directconnect"
}
