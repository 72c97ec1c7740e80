package reach

import "sync"

// onFirstUse holds a value made the first time it is asked for and kept
// (an interface's record, a security group's compact form): an
// organization has 200,000 interfaces and 50,000 groups, and a question
// reads few of them. It is safe for concurrent use.
type onFirstUse[T any] struct {
	once sync.Once
	v    T
}

// get returns the value, made by make on the first call.
func (o *onFirstUse[T]) get(make func() T) T {
	o.once.Do(func() { o.v = make() })
	return o.v
}
