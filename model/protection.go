package model

import "slices"

// WebACL is an AWS WAF web ACL of regional scope (wafv2 ListWebACLs) and
// the resources associated with it (wafv2 ListResourcesForWebACL):
// Application Load Balancers, API Gateway REST API stages and the like.
// Its ID is the web ACL's ARN.
type WebACL struct {
	Meta
	// WebACLName is the web ACL's name; WebACLID its short ID.
	WebACLName string `json:"webAclName,omitempty"`
	WebACLID   string `json:"webAclId,omitempty"`
	// Resources are the ARNs of the associated resources, sorted.
	Resources []string `json:"resources,omitempty"`
}

// Kind returns KindWebACL.
func (*WebACL) Kind() Kind { return KindWebACL }

// Protects reports whether the resource with the ARN is associated with
// the web ACL.
func (w *WebACL) Protects(arn string) bool { return slices.Contains(w.Resources, arn) }

// ShieldProtection is an AWS Shield Advanced protection of one resource
// (shield ListProtections): an Elastic IP allocation, a load balancer, a
// CloudFront distribution, a Route 53 hosted zone or a Global Accelerator.
// Its ID is the protection ID.
type ShieldProtection struct {
	Meta
	ProtectionName string `json:"protectionName,omitempty"`
	// ResourceARN is the protected resource.
	ResourceARN string `json:"resourceArn"`
}

// Kind returns KindShieldProtection.
func (*ShieldProtection) Kind() Kind { return KindShieldProtection }

// ShieldState is what a source read of one account's AWS Shield Advanced
// subscription (shield GetSubscriptionState).
type ShieldState struct {
	Account string `json:"account,omitempty"`
	// Subscribed is true when the subscription state is ACTIVE.
	Subscribed bool `json:"subscribed"`
}
