package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Action is one of the actions Terraform plans for a resource instance.
type Action string

// The actions of a resource change (change.actions in the JSON output).
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	NoOp   Action = "no-op"
	Read   Action = "read"
)

// Change is one resource instance's planned change: resource_changes[] of
// the plan, with the configuration's references for its attributes.
type Change struct {
	// Address is the instance's absolute address, e.g.
	// module.net.aws_subnet.private[0].
	Address string
	// Module is the module's address ("" for the root module).
	Module string
	// Mode is managed or data.
	Mode       string
	Type, Name string
	Actions    []Action
	// Before and After are the attribute values before and after; nil
	// when the resource does not exist on that side. AfterUnknown marks
	// the attributes known only after apply (true, or a structure of the
	// value's shape holding true where a part is unknown).
	Before, After map[string]any
	AfterUnknown  map[string]any
	// ActionReason is Terraform's reason for a replace, when it gives one.
	ActionReason string

	cfg *configResource
}

// Has reports whether the change includes action a.
func (c *Change) Has(a Action) bool { return slices.Contains(c.Actions, a) }

// Replace reports whether the resource is destroyed and created anew.
func (c *Change) Replace() bool { return c.Has(Create) && c.Has(Delete) }

// CreateBeforeDestroy reports whether a replacement creates the new
// object before it destroys the old one (actions [create, delete]).
func (c *Change) CreateBeforeDestroy() bool {
	return len(c.Actions) == 2 && c.Actions[0] == Create && c.Actions[1] == Delete
}

// Inline reports whether the configuration writes attr as nested blocks
// (inline ingress rules of a security group, routes of a route table).
func (c *Change) Inline(attr string) bool {
	return c.cfg != nil && c.cfg.inline[attr]
}

// References returns the configuration's references for an attribute
// path (for a nested block, "ingress.0.security_groups"), e.g.
// ["aws_security_group.db.id", "aws_security_group.db"].
func (c *Change) References(path string) []string {
	if c.cfg == nil {
		return nil
	}
	before, after, wild := strings.Cut(path, ".*.")
	if !wild {
		return c.cfg.refs[path]
	}
	var out []string
	for i := range c.cfg.blocks[before] {
		out = append(out, c.cfg.refs[fmt.Sprintf("%s.%d.%s", before, i, after)]...)
	}
	return out
}

// DependsOn reports whether the configuration makes this resource wait
// for the resource at addr: depends_on names it, or an expression refers
// to it. Terraform orders the changes of a plan by nothing else.
func (c *Change) DependsOn(addr string) bool {
	if c.cfg == nil {
		return false
	}
	target := configAddress(addr)
	for _, d := range c.cfg.dependsOn {
		if d == target {
			return true
		}
	}
	mod := ""
	if c.Module != "" {
		mod = c.Module + "."
	}
	for _, refs := range c.cfg.refs {
		for _, r := range refs {
			if r := mod + r; r == target || strings.HasPrefix(r, target+".") {
				return true
			}
		}
	}
	return false
}

// Plan is a parsed `terraform show -json` document of a saved plan
// (Terraform or OpenTofu, format version 1.x).
type Plan struct {
	FormatVersion    string
	TerraformVersion string
	// Region is the AWS provider's region when the configuration sets it
	// as a constant.
	Region string
	// Changes are the managed resources' changes, in the plan's order.
	Changes []*Change
}

// configResource is what the configuration says of a resource: its
// references by attribute path and how many nested blocks each block
// attribute has.
type configResource struct {
	refs   map[string][]string
	blocks map[string]int
	consts map[string]any
	// inline are the attributes written as nested blocks or as a list
	// of objects (ingress = [...], even empty).
	inline map[string]bool
	// dependsOn are the configuration addresses of depends_on.
	dependsOn []string
}

// The JSON shape read (https://developer.hashicorp.com/terraform/internals/json-format).
type (
	planJSON struct {
		FormatVersion    *string          `json:"format_version"`
		TerraformVersion string           `json:"terraform_version"`
		ResourceChanges  []changeJSON     `json:"resource_changes"`
		PlannedValues    json.RawMessage  `json:"planned_values"`
		Configuration    *configJSON      `json:"configuration"`
		Values           *json.RawMessage `json:"values"`
	}
	changeJSON struct {
		Address       string `json:"address"`
		ModuleAddress string `json:"module_address"`
		Mode          string `json:"mode"`
		Type          string `json:"type"`
		Name          string `json:"name"`
		Change        struct {
			Actions      []Action       `json:"actions"`
			Before       map[string]any `json:"before"`
			After        map[string]any `json:"after"`
			AfterUnknown map[string]any `json:"after_unknown"`
		} `json:"change"`
		ActionReason string `json:"action_reason"`
	}
	configJSON struct {
		ProviderConfig map[string]struct {
			Name        string                     `json:"name"`
			Expressions map[string]json.RawMessage `json:"expressions"`
		} `json:"provider_config"`
		RootModule moduleJSON `json:"root_module"`
	}
	moduleJSON struct {
		Resources []struct {
			Address     string                     `json:"address"`
			Mode        string                     `json:"mode"`
			Expressions map[string]json.RawMessage `json:"expressions"`
			DependsOn   []string                   `json:"depends_on"`
		} `json:"resources"`
		ModuleCalls map[string]struct {
			Module moduleJSON `json:"module"`
		} `json:"module_calls"`
	}
	exprJSON struct {
		ConstantValue any      `json:"constant_value"`
		References    []string `json:"references"`
	}
)

// ErrPlan marks every error of reading a plan: input that is not a
// `terraform show -json` plan of a format version this code reads.
var ErrPlan = errors.New("not a Terraform plan")

// maxDepth bounds the nesting of modules read from a configuration.
const maxDepth = 64

// Parse reads the output of `terraform show -json PLANFILE`. It refuses,
// with a one-line error wrapping ErrPlan, input that is not JSON, a
// document without format_version, a format version whose major version
// is not 1 (the format's promise: minor versions only add), and a state
// rather than a plan. Unknown properties are ignored.
func Parse(data []byte) (*Plan, error) {
	var raw planJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %s", ErrPlan, oneLine(err.Error()))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: more than one JSON document", ErrPlan)
	}
	if raw.FormatVersion == nil {
		return nil, fmt.Errorf("%w: no format_version; give the output of terraform show -json PLANFILE", ErrPlan)
	}
	major, _, _ := strings.Cut(*raw.FormatVersion, ".")
	if major != "1" {
		return nil, fmt.Errorf("%w: format_version %q; vpcscope reads format 1.x of terraform show -json", ErrPlan, clip(*raw.FormatVersion))
	}
	if raw.ResourceChanges == nil && len(raw.PlannedValues) == 0 {
		if raw.Values != nil {
			return nil, fmt.Errorf("%w: this is a state (terraform show -json without a plan file); give terraform show -json PLANFILE", ErrPlan)
		}
		return nil, fmt.Errorf("%w: no resource_changes or planned_values", ErrPlan)
	}
	p := &Plan{FormatVersion: *raw.FormatVersion, TerraformVersion: raw.TerraformVersion}
	cfg := map[string]*configResource{}
	if c := raw.Configuration; c != nil {
		if err := readModule(cfg, "", &c.RootModule, 0); err != nil {
			return nil, err
		}
		for key, pc := range c.ProviderConfig {
			if pc.Name != "aws" && key != "aws" {
				continue
			}
			var e exprJSON
			if json.Unmarshal(pc.Expressions["region"], &e) == nil {
				if s, ok := e.ConstantValue.(string); ok && p.Region == "" {
					p.Region = s
				}
			}
		}
	}
	for i, rc := range raw.ResourceChanges {
		if rc.Address == "" || rc.Type == "" {
			return nil, fmt.Errorf("%w: resource_changes[%d] has no address or type", ErrPlan, i)
		}
		if rc.Mode == "data" {
			continue
		}
		for _, a := range rc.Change.Actions {
			switch a {
			case Create, Update, Delete, NoOp, Read, "forget":
			default:
				return nil, fmt.Errorf("%w: %s: unknown action %q", ErrPlan, clip(rc.Address), clip(string(a)))
			}
		}
		if len(rc.Change.Actions) == 0 {
			return nil, fmt.Errorf("%w: %s: no actions", ErrPlan, clip(rc.Address))
		}
		ch := &Change{Address: rc.Address, Module: rc.ModuleAddress, Mode: rc.Mode, Type: rc.Type, Name: rc.Name,
			Actions: rc.Change.Actions, Before: rc.Change.Before, After: rc.Change.After,
			AfterUnknown: rc.Change.AfterUnknown, ActionReason: rc.ActionReason}
		ch.cfg = cfg[configAddress(rc.Address)]
		p.Changes = append(p.Changes, ch)
	}
	return p, nil
}

// readModule records the references of a module's resources, and of the
// modules it calls, under their absolute configuration addresses.
func readModule(out map[string]*configResource, prefix string, m *moduleJSON, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: modules nested more than %d deep", ErrPlan, maxDepth)
	}
	for _, r := range m.Resources {
		if r.Mode == "data" {
			continue
		}
		c := &configResource{refs: map[string][]string{}, blocks: map[string]int{}, consts: map[string]any{}, inline: map[string]bool{}}
		for attr, raw := range r.Expressions {
			readExpr(c, attr, raw, 0)
		}
		for _, d := range r.DependsOn {
			c.dependsOn = append(c.dependsOn, prefix+d)
		}
		out[prefix+r.Address] = c
	}
	names := make([]string, 0, len(m.ModuleCalls))
	for n := range m.ModuleCalls {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		call := m.ModuleCalls[n]
		if err := readModule(out, prefix+"module."+n+".", &call.Module, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// readExpr reads one expression: an object with constant_value and
// references, or (a nested block) an array of objects of expressions.
func readExpr(c *configResource, path string, raw json.RawMessage, depth int) {
	if depth > maxDepth {
		return
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var blocks []map[string]json.RawMessage
		if json.Unmarshal(raw, &blocks) != nil {
			return
		}
		c.blocks[path] = len(blocks)
		if depth == 0 {
			c.inline[path] = true
		}
		for i, b := range blocks {
			for attr, r := range b {
				readExpr(c, fmt.Sprintf("%s.%d.%s", path, i, attr), r, depth+1)
			}
		}
		return
	}
	var e exprJSON
	if json.Unmarshal(raw, &e) != nil {
		return
	}
	if len(e.References) > 0 {
		c.refs[path] = e.References
	}
	if e.ConstantValue != nil {
		c.consts[path] = e.ConstantValue
		if xs, ok := e.ConstantValue.([]any); ok && depth == 0 && (len(xs) == 0 || isObject(xs[0])) && inlineAttrs[path] {
			c.inline[path] = true
		}
	}
}

// inlineAttrs are the attributes that hold rules or routes inline.
var inlineAttrs = map[string]bool{"ingress": true, "egress": true, "route": true, "entry": true}

func isObject(x any) bool {
	_, ok := x.(map[string]any)
	return ok
}

// indexRE matches an instance key: [0] or ["a"].
var indexRE = regexp.MustCompile(`\[[^\]]*\]`)

// configAddress returns the configuration address of an instance
// address: its instance keys removed.
func configAddress(addr string) string { return indexRE.ReplaceAllString(addr, "") }

func oneLine(s string) string {
	return clip(strings.Join(strings.Fields(s), " "))
}

// clip bounds text from the plan quoted in an error.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
