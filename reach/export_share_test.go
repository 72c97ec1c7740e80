package reach

import "github.com/vpcscope/vpcscope/model"

// RuleChanges is groupRuleChanges as a comparison asks it (the engine's
// memo), and RuleChangesComputed the same computed afresh.
func RuleChanges(a, b *Engine) (map[string][]model.SGRule, map[string]bool, bool) {
	return groupRuleChanges(a, b)
}

// RuleChangesComputed is groupRuleChanges without the engine's memo.
func RuleChangesComputed(a, b *Engine) (map[string][]model.SGRule, map[string]bool, bool) {
	return computeGroupRuleChanges(a, b)
}

// SharesViews reports whether two relations walk the same path views.
func SharesViews(a, b *Relation) bool { return a.cs.v == b.cs.v }
