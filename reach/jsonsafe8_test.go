package reach

import "testing"

// TestJSONSafe8AgreesWithJSONSafe checks the word-at-a-time test of
// appendJSONString against the byte table it stands for (encoding/json
// writes a byte as it is when it is ASCII, not a control character, not
// '"' and not '\\'): every pair of adjacent byte values at every position
// of the word, the rest safe, so that a borrow from one byte into the next
// is covered.
func TestJSONSafe8AgreesWithJSONSafe(t *testing.T) {
	for _, filler := range []byte{'a', ' ', '!', '#', '[', ']', 0x7f} {
		for pos := range 7 {
			for b0 := range 256 {
				for b1 := range 256 {
					w := []byte{filler, filler, filler, filler, filler, filler, filler, filler}
					w[pos], w[pos+1] = byte(b0), byte(b1)
					want := true
					for _, c := range w {
						want = want && c < 0x80 && jsonSafe[c]
					}
					if got := jsonSafe8(string(w), 0); got != want {
						t.Fatalf("jsonSafe8(%q) = %v, want %v", w, got, want)
					}
				}
			}
		}
	}
}
