package awspull

import (
	"context"
	"sync"
)

// limiter bounds the API calls in flight. A slot that frees up goes to the
// longest-waiting urgent caller first (the next page of a paginated listing
// already under way), then to the others in arrival order, so a long page
// chain is not held up behind a crowd of one-off calls: the pull ends about
// when its slowest chain does.
type limiter struct {
	mu      sync.Mutex
	free    int
	urgent  []chan struct{}
	waiting []chan struct{}
}

func newLimiter(n int) *limiter { return &limiter{free: max(n, 1)} }

// acquire waits for a slot, or for ctx to end.
func (l *limiter) acquire(ctx context.Context, urgent bool) error {
	l.mu.Lock()
	if l.free > 0 && len(l.urgent)+len(l.waiting) == 0 {
		l.free--
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if urgent {
		l.urgent = append(l.urgent, ch)
	} else {
		l.waiting = append(l.waiting, ch)
	}
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		granted := !remove(&l.urgent, ch) && !remove(&l.waiting, ch)
		l.mu.Unlock()
		if granted {
			// The slot was handed over as ctx ended: pass it on.
			l.release()
		}
		return ctx.Err()
	}
}

// release frees a slot, handing it to the next waiter if there is one.
func (l *limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range []*[]chan struct{}{&l.urgent, &l.waiting} {
		if len(*q) > 0 {
			ch := (*q)[0]
			*q = (*q)[1:]
			close(ch)
			return
		}
	}
	l.free++
}

// remove deletes ch from q and reports whether it was there.
func remove(q *[]chan struct{}, ch chan struct{}) bool {
	for i, c := range *q {
		if c == ch {
			*q = append((*q)[:i:i], (*q)[i+1:]...)
			return true
		}
	}
	return false
}
