package ui

import "github.com/vpcscope/vpcscope/ui/view"

// maxHistory bounds the views kept for back and forward.
const maxHistory = 200

// history is the views visited, with a position: back and forward move
// through it, and opening a view drops what was forward of the position.
type history struct {
	views []view.View
	idx   int
}

// active returns the view at the position, nil when there is none.
func (h *history) active() view.View {
	if len(h.views) == 0 {
		return nil
	}
	return h.views[h.idx]
}

// push makes v the active view; it reports whether anything changed.
func (h *history) push(v view.View) bool {
	if v == h.active() {
		return false
	}
	if len(h.views) > 0 {
		h.views = h.views[:h.idx+1]
	}
	h.views = append(h.views, v)
	if len(h.views) > maxHistory {
		h.views = h.views[1:]
	}
	h.idx = len(h.views) - 1
	return true
}

// step moves by d (-1 back, +1 forward); it reports false at either end.
func (h *history) step(d int) bool {
	n := h.idx + d
	if n < 0 || n >= len(h.views) {
		return false
	}
	h.idx = n
	return true
}

// reset forgets every view.
func (h *history) reset() { h.views, h.idx = nil, 0 }
