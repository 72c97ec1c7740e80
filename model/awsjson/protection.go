package awsjson

import (
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file reads what protects resources beyond the network: AWS WAF web
// ACLs (wafv2 list-web-acls, and WebACLResources, the per-web-ACL grouping
// of list-resources-for-web-acl) and AWS Shield Advanced (shield
// list-protections and get-subscription-state).

// webACLJSON is an element of `aws wafv2 list-web-acls --scope REGIONAL`.
type webACLJSON struct {
	Name string
	Id   string
	ARN  string
}

func (d *docCtx) webACL(_ string, v *webACLJSON) {
	d.out.add(&model.WebACL{Meta: d.meta(v.ARN, arnAccount(v.ARN), nil), WebACLName: v.Name, WebACLID: v.Id})
}

// webACLResourcesJSON is an element of WebACLResources: the output of
// `aws wafv2 list-resources-for-web-acl --web-acl-arn ARN`, which does not
// name its web ACL, with the ARN beside it.
type webACLResourcesJSON struct {
	WebACLArn    string
	ResourceArns []string
}

// webACLResources is one WebACLResources element, resolved into its web
// ACL when the snapshot is built.
type webACLResources struct {
	arn, account, region string
	resources            []string
}

func (d *docCtx) webACLResources(_ string, v *webACLResourcesJSON) {
	d.out.webACLResources = append(d.out.webACLResources, webACLResources{arn: v.WebACLArn, account: d.account, region: d.region, resources: v.ResourceArns})
}

// protectionJSON is an element of `aws shield list-protections`.
type protectionJSON struct {
	Id          string
	Name        string
	ResourceArn string
}

func (d *docCtx) shieldProtection(_ string, v *protectionJSON) {
	m := d.meta(v.Id, "", nil)
	if r := arnRegion(v.ResourceArn); r != "" {
		m.Region = r
	}
	d.out.add(&model.ShieldProtection{Meta: m, ProtectionName: v.Name, ResourceARN: v.ResourceArn})
}

// resolveWebACLs adds to each web ACL the resources WebACLResources
// associates with it; a web ACL only named there is added from its ARN.
func resolveWebACLs(set *resourceSet, batches []*batch, rep *Report) {
	byARN := map[string]*model.WebACL{}
	for _, r := range set.all() {
		if w, ok := r.(*model.WebACL); ok {
			byARN[w.ID] = w
		}
	}
	for _, b := range batches {
		for _, g := range b.webACLResources {
			w := byARN[g.arn]
			if w == nil {
				w = &model.WebACL{Meta: model.Meta{ID: g.arn, Account: cmpOr(arnAccount(g.arn), g.account), Region: cmpOr(arnRegion(g.arn), g.region)},
					WebACLName: webACLName(g.arn)}
				set.put(w, b.file, rep)
				w = set.byKey[model.Identity(w)].(*model.WebACL)
				byARN[g.arn] = w
			}
			for _, r := range g.resources {
				if !slices.Contains(w.Resources, r) {
					w.Resources = append(w.Resources, r)
				}
			}
			slices.Sort(w.Resources)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// arnField returns field i (0-based after "arn") of an ARN:
// arn:partition:service:region:account:resource.
func arnField(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[i]
}

func arnRegion(arn string) string  { return arnField(arn, 3) }
func arnAccount(arn string) string { return arnField(arn, 4) }

// webACLName returns NAME of arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID.
func webACLName(arn string) string {
	parts := strings.Split(arnField(arn, 5), "/")
	if len(parts) >= 3 {
		return parts[2]
	}
	return ""
}
