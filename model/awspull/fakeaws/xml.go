package fakeaws

import (
	"encoding/xml"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// xw writes a Query API response. EC2 lists wrap their elements in <item>,
// the other Query APIs in <member>.
type xw struct {
	b    strings.Builder
	item string
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (w *xw) open(tag string)  { w.b.WriteString("<" + tag + ">") }
func (w *xw) close(tag string) { w.b.WriteString("</" + tag + ">") }

// el writes <tag>body()</tag>.
func (w *xw) el(tag string, body func()) {
	w.open(tag)
	body()
	w.close(tag)
}

// text writes <tag>v</tag>, or nothing when v is empty.
func (w *xw) text(tag, v string) {
	if v != "" {
		w.b.WriteString("<" + tag + ">" + escape(v) + "</" + tag + ">")
	}
}

func (w *xw) boolean(tag string, v bool) {
	w.b.WriteString("<" + tag + ">" + strconv.FormatBool(v) + "</" + tag + ">")
}
func (w *xw) num(tag string, v int64) {
	w.b.WriteString("<" + tag + ">" + strconv.FormatInt(v, 10) + "</" + tag + ">")
}

func (w *xw) addr(tag string, a netip.Addr) {
	if a.IsValid() {
		w.text(tag, a.String())
	}
}

func (w *xw) prefix(tag string, p netip.Prefix) {
	if p.IsValid() {
		w.text(tag, p.String())
	}
}

// list writes <tag><item>each(i)</item>...</tag> for n elements.
func (w *xw) list(tag string, n int, each func(i int)) {
	w.open(tag)
	for i := range n {
		w.open(w.item)
		each(i)
		w.close(w.item)
	}
	w.close(tag)
}

// strings writes a list of strings.
func (w *xw) strings(tag string, ss []string) {
	w.list(tag, len(ss), func(i int) { w.b.WriteString(escape(ss[i])) })
}

// tags writes tags sorted by key, as EC2's tagSet or ELB's Tags.
func (w *xw) tags(tag string, t model.Tags, key, value string) {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.list(tag, len(keys), func(i int) {
		w.text(key, keys[i])
		w.text(value, t[keys[i]])
	})
}
