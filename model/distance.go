package model

// EditDistance returns the Levenshtein distance between a and b, counted
// in bytes: the number of single-byte insertions, deletions and
// substitutions that turn one into the other.
func EditDistance(a, b string) int { return editDistance(a, b) }
