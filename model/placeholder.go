package model

import "strings"

// PlaceholderID returns the ID that stands for a resource whose real ID is
// known only after a Terraform plan is applied: the kind's AWS prefix and
// a name in parentheses — i-(aws_instance.web), eni-(aws_lb.front
// subnet-0ab…). No AWS ID has a parenthesis, so a placeholder never
// collides with a real resource.
func PlaceholderID(prefix, name string) string { return prefix + "(" + name + ")" }

// IsPlaceholderID reports whether id has the shape PlaceholderID gives:
// a prefix, then a name in parentheses that ends the ID.
func IsPlaceholderID(id string) bool {
	i := strings.IndexByte(id, '(')
	return i >= 0 && len(id) > i+2 && strings.HasSuffix(id, ")")
}
