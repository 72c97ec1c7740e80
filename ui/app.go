package ui

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// The top-level sections, in tab order.
const (
	tabOverview = iota
	tabTree
	tabLists
	tabTrace
	tabExposure
)

var tabNames = []string{"Overview", "Tree", "Lists", "Trace", "Exposure"}

// mode is what the keyboard is doing: driving the view, typing a filter,
// or typing in the command palette.
type mode int

const (
	modeNormal mode = iota
	modeFilter
	modeCommand
)

// Minimum terminal size; below it the explorer shows a message.
const minWidth, minHeight = 60, 16

// Messages of start-up and background work.
type (
	progressMsg string
	progressEnd struct{}
	loadedMsg   struct {
		snap *model.Snapshot
		err  error
	}
	worldMsg    struct{ w *world }
	graphMsg    struct{ g *model.Graph }
	exposureMsg struct{ r *reach.ExposureReport }
	findingsMsg struct{ f []finding }
	wiEngineMsg struct {
		seq  int
		eng  *reach.Engine
		snap *model.Snapshot
	}
	copiedMsg struct{ id string }
	// peekMsg asks for the current screen, without styles (for tests).
	peekMsg struct{ ch chan<- peek }
	peek    struct {
		screen string
		ready  bool
	}
)

// app is the top model: it loads the network, routes messages to the
// active view, keeps the history of views and the mode, and draws the
// frame (tabs, breadcrumbs, footer, status bar).
type app struct {
	opts     Options
	th       *theme
	now      func() time.Time
	progress chan string
	steps    []string
	loadErr  error

	s         *session
	sections  [5]view
	history   []view
	hIdx      int
	mode      mode
	filterIn  lineInput
	palette   *picker
	palCands  []candidate
	palLabels []string
	showHelp  bool
	help      help.Model
	flash     string
	flashErr  bool
	w, h      int

	// crash holds a recovered panic; Run reports it after the terminal is
	// restored.
	crash string
	quit  func()
}

func newApp(opts Options, th *theme) *app {
	a := &app{opts: opts, th: th, now: opts.Now, progress: make(chan string, 64), help: help.New()}
	if a.now == nil {
		a.now = time.Now
	}
	a.help.Styles.ShortKey = th.key
	a.help.Styles.FullKey = th.key
	a.help.Styles.ShortDesc = th.dim
	a.help.Styles.FullDesc = th.dim
	a.help.Styles.ShortSeparator = th.dim
	a.help.Styles.FullSeparator = th.dim
	return a
}

func (a *app) Init() tea.Cmd {
	load, ch := a.opts.Loader, a.progress
	ctx := a.opts.ctx
	return tea.Batch(
		func() tea.Msg {
			defer close(ch)
			snap, err := load(ctx, func(s string) {
				select {
				case ch <- s:
				default: // the UI is behind: drop a step rather than block the pull
				}
			})
			return loadedMsg{snap, err}
		},
		a.listen(),
	)
}

// listen waits for the next progress step of the loader.
func (a *app) listen() tea.Cmd {
	ch := a.progress
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return progressEnd{}
		}
		return progressMsg(s)
	}
}

func (a *app) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	defer a.recoverTo(&cmd)
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.resize()
	case tea.KeyMsg:
		return a, a.key(msg)
	case tea.MouseMsg:
		return a, a.mouse(msg)
	case progressMsg:
		a.steps = append(a.steps, safe(string(msg))) // progress can quote an AWS response
		return a, a.listen()
	case progressEnd:
	case loadedMsg:
		if msg.err != nil {
			a.loadErr = msg.err
			return a, nil
		}
		a.steps = append(a.steps, "indexing the network…")
		snap := msg.snap
		return a, func() tea.Msg { return worldMsg{newWorld(snap)} }
	case worldMsg:
		return a, a.start(msg.w)
	case graphMsg:
		a.s.w.graph = msg.g
		return a, a.broadcast(refreshMsg{})
	case exposureMsg:
		a.s.w.exposure = msg.r
		// The audit reuses the exposure report, so it runs after it.
		eng, exp := a.s.w.eng, msg.r
		return a, tea.Batch(a.broadcast(refreshMsg{}), func() tea.Msg { return findingsMsg{findFindings(eng, exp)} })
	case findingsMsg:
		a.s.w.findings = msg.f
		if a.sections[tabOverview] != nil {
			return a, a.sections[tabOverview].Update(refreshMsg{})
		}
	case whatIfMsg:
		return a, a.whatIf(msg)
	case wiEngineMsg:
		if a.s == nil || msg.seq != a.s.wiSeq {
			return a, nil
		}
		a.s.wiEng, a.s.wiSnap = msg.eng, msg.snap
		return a, a.broadcast(refreshMsg{})
	case flashMsg:
		a.flash, a.flashErr = msg.text, msg.err
	case peekMsg:
		ready := a.s != nil && a.s.w.graph != nil && a.s.w.exposure != nil && a.s.w.findings != nil &&
			!a.sections[tabTrace].(*traceView).running && (!a.s.whatIfActive() || a.s.wiEng != nil) &&
			!a.sections[tabLists].(*listsView).sorting()
		msg.ch <- peek{ansiStrip(a.View()), ready}
	case copiedMsg:
		a.flash, a.flashErr = "copied "+msg.id+" to the clipboard (OSC 52)", false
	case pickerResultMsg:
		if a.mode == modeCommand && a.palette != nil {
			a.palette.Update(msg)
			return a, nil
		}
		return a, a.route(msg)
	default:
		return a, a.navigate(msg)
	}
	return a, nil
}

// navigate handles the messages that move between views, and hands the
// rest to the active view.
func (a *app) navigate(msg tea.Msg) tea.Cmd {
	if a.s == nil {
		return nil
	}
	switch msg := msg.(type) {
	case openMsg:
		a.push(newDetailView(a.s, msg.id, msg.focus))
	case tabMsg:
		a.push(a.sections[msg.tab])
	case listMsg:
		l := a.sections[tabLists].(*listsView)
		l.show(msg.kind)
		a.push(l)
	case traceMsg:
		t := a.sections[tabTrace].(*traceView)
		a.push(t)
		return t.set(msg.from, msg.to)
	case whoMsg:
		switch a.s.w.get(msg.id).(type) {
		case *model.Instance, *model.NetworkInterface, *model.LoadBalancer:
		default:
			a.flash, a.flashErr = "who-can-reach needs an instance, a network interface or a load balancer", true
			return nil
		}
		port := 0
		if t := a.sections[tabTrace].(*traceView); t.ans != nil && t.to == msg.id {
			port, _ = t.portNumber()
		}
		v, cmd := newWhoView(a.s, msg.id, port)
		a.push(v)
		return cmd
	case ownedMsg:
		return msg.ownerView().Update(msg)
	default:
		return a.route(msg)
	}
	return nil
}

// send handles msg now, as Update would: navigation from a key happens
// before the next key is read, so fast typing cannot race it.
func (a *app) send(msg tea.Msg) tea.Cmd {
	_, cmd := a.Update(msg)
	return cmd
}

// route hands a message to the active view.
func (a *app) route(msg tea.Msg) tea.Cmd {
	if v := a.active(); v != nil {
		return v.Update(msg)
	}
	return nil
}

func (a *app) active() view {
	if len(a.history) == 0 {
		return nil
	}
	return a.history[a.hIdx]
}

// push makes v the active view, dropping any forward history.
func (a *app) push(v view) {
	if v == a.active() {
		return
	}
	if len(a.history) > 0 {
		a.history = a.history[:a.hIdx+1]
	}
	a.history = append(a.history, v)
	if len(a.history) > 200 {
		a.history = a.history[1:]
	}
	a.hIdx = len(a.history) - 1
	a.resize()
}

// step moves through the history: -1 back, +1 forward.
func (a *app) step(d int) {
	n := a.hIdx + d
	if n < 0 || n >= len(a.history) {
		if d < 0 {
			a.flash = "at the start of the history"
		} else {
			a.flash = "at the end of the history"
		}
		return
	}
	a.hIdx = n
	a.resize()
}

// broadcast sends msg to every view alive in the history and sections.
func (a *app) broadcast(msg tea.Msg) tea.Cmd {
	seen := map[view]bool{}
	var cmds []tea.Cmd
	for _, v := range append(a.sections[:], a.history...) {
		if v != nil && !seen[v] {
			seen[v] = true
			cmds = append(cmds, v.Update(msg))
		}
	}
	return tea.Batch(cmds...)
}

// start builds the views once the network is indexed, and starts the
// slow derived data in the background.
func (a *app) start(w *world) tea.Cmd {
	a.s = &session{th: a.th, w: w, ov: edit.NewOverlay(w.snap), send: a.send}
	a.sections = [5]view{newOverviewView(a.s), newTreeView(a.s), newListsView(a.s), newTraceView(a.s), newExposureView(a.s)}
	a.push(a.sections[tabOverview])
	ix, eng := w.ix, w.eng
	// one after the other, so one core stays free for the keyboard
	return tea.Sequence(
		func() tea.Msg { return exposureMsg{eng.Exposure(reach.ExposureOptions{})} },
		func() tea.Msg { return graphMsg{model.NewGraph(ix)} },
	)
}

// whatIf changes the what-if overlay and rebuilds the what-if engine in
// the background. An edit the overlay refuses is flashed with its reason.
func (a *app) whatIf(m whatIfMsg) tea.Cmd {
	var err error
	switch m.op {
	case wiApply:
		_, err = a.s.ov.Apply(m.edit)
	case wiToggle:
		err = a.s.ov.Toggle(m.id, m.list, m.slot)
	case wiReset:
		a.s.ov.Reset()
	}
	if err != nil {
		a.flash, a.flashErr = "what-if refused: "+err.Error(), true
		return nil
	}
	a.s.wiSeq++
	a.s.wiEng, a.s.wiSnap = nil, nil
	if m.op == wiReset {
		a.flash = "what-if changes undone: back to the snapshot as collected"
	} else {
		a.flash = "what-if applied in memory only — nothing was changed in AWS"
	}
	refresh := a.broadcast(refreshMsg{})
	if !a.s.whatIfActive() {
		return refresh
	}
	seq, copySnap := a.s.wiSeq, a.s.ov.Snapshot()
	return tea.Batch(refresh, func() tea.Msg {
		return wiEngineMsg{seq: seq, eng: reach.New(copySnap), snap: copySnap}
	})
}

func (a *app) resize() {
	if a.w == 0 {
		return
	}
	if v := a.active(); v != nil {
		v.SetSize(a.w, max(1, a.h-4))
	}
	if a.palette != nil {
		a.palette.SetSize(a.w, max(1, a.h-4))
	}
}

// key handles a key press: the mode first, then global bindings, then
// the active view.
func (a *app) key(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyCtrlC {
		return tea.Quit
	}
	a.flash = ""
	if a.s == nil {
		if key.Matches(msg, keys.Quit) || msg.Type == tea.KeyEsc {
			return tea.Quit
		}
		return nil
	}
	if a.showHelp {
		a.showHelp = false
		return nil
	}
	switch a.mode {
	case modeFilter:
		return a.filterKey(msg)
	case modeCommand:
		cmd := a.palette.Update(msg)
		if d := a.palette.done; d != nil {
			a.mode, a.palette = modeNormal, nil
			return a.command(*d)
		}
		return cmd
	}
	v := a.active()
	if c, ok := v.(capturing); ok && c.Capturing() {
		return v.Update(msg)
	}
	switch {
	case key.Matches(msg, keys.Quit):
		return tea.Quit
	case key.Matches(msg, keys.Help):
		a.showHelp = true
	case key.Matches(msg, keys.Palette):
		return a.openPalette()
	case key.Matches(msg, keys.Filter):
		if _, ok := v.(filterable); ok {
			a.mode = modeFilter
			a.filterIn.value = v.(filterable).Filter()
		} else {
			a.flash = "this view has no list to filter"
		}
	case key.Matches(msg, keys.Back):
		if f, ok := v.(filterable); ok && f.Filter() != "" && msg.Type == tea.KeyEsc {
			f.SetFilter("")
			return nil
		}
		a.step(-1)
	case key.Matches(msg, keys.Forward):
		a.step(1)
	case key.Matches(msg, keys.NextPane), key.Matches(msg, keys.PrevPane):
		if p, ok := v.(paned); ok {
			d := 1
			if key.Matches(msg, keys.PrevPane) {
				d = -1
			}
			p.NextPane(d)
		}
	case key.Matches(msg, keys.Overview, keys.Tree, keys.Lists, keys.Trace, keys.Exposure):
		a.push(a.sections[int(msg.Runes[0]-'1')])
	case key.Matches(msg, keys.Copy):
		return a.copySelected()
	case key.Matches(msg, keys.TraceFrom), key.Matches(msg, keys.TraceTo):
		id := v.Selected()
		if id == "" {
			return v.Update(msg)
		}
		if key.Matches(msg, keys.TraceFrom) {
			return a.send(traceMsg{from: id})
		}
		return a.send(traceMsg{to: id})
	case key.Matches(msg, keys.WhoCanReach):
		if id := v.Selected(); id != "" {
			return a.send(whoMsg{id: id})
		}
		return v.Update(msg)
	default:
		return v.Update(msg)
	}
	return nil
}

func (a *app) filterKey(msg tea.KeyMsg) tea.Cmd {
	f, _ := a.active().(filterable)
	switch msg.Type {
	case tea.KeyEnter:
		a.mode = modeNormal
	case tea.KeyEsc:
		a.mode = modeNormal
		if f != nil {
			f.SetFilter("")
		}
	default:
		if a.filterIn.Update(msg) && f != nil {
			f.SetFilter(a.filterIn.value)
		}
	}
	return nil
}

func (a *app) copySelected() tea.Cmd {
	id := a.active().Selected()
	if id == "" {
		a.flash = "nothing selected to copy"
		return nil
	}
	out := a.opts.Output
	return func() tea.Msg {
		if out != nil {
			_, _ = io.WriteString(out, osc52.New(id).String())
		}
		return copiedMsg{id}
	}
}

// openPalette opens the command palette: views, kinds and every resource.
func (a *app) openPalette() tea.Cmd {
	if a.palCands == nil {
		for i, n := range tabNames {
			a.palCands = append(a.palCands, candidate{spec: "tab:" + itoa(i), label: fmt.Sprintf("%-28s view  (key %d)", strings.ToLower(n), i+1)})
		}
		a.palCands = append(a.palCands, candidate{spec: "help", label: "help                         every key"})
		for _, k := range model.Kinds() {
			if a.s.w.counts[k] > 0 {
				a.palCands = append(a.palCands, candidate{spec: "list:" + string(k), label: fmt.Sprintf("%-28s list (%d)", string(k)+"s", a.s.w.counts[k])})
			}
		}
		for r := range a.s.w.snap.All() {
			m := r.Base()
			l := m.ID
			if n := short(r); n != m.ID {
				l = n + "  " + m.ID
			}
			a.palCands = append(a.palCands, candidate{spec: m.ID, label: l + "  " + string(r.Kind())})
		}
		a.palLabels = make([]string, len(a.palCands))
		for i, c := range a.palCands {
			a.palLabels[i] = c.label
		}
	}
	p, cmd := newPicker(a.th, "Go to", a.palCands, a.palLabels)
	p.hint = "a view, a kind, or any resource by ID or Name tag · ↑↓ choose · enter go · esc cancel"
	a.palette, a.mode = p, modeCommand
	a.resize()
	return cmd
}

// command carries out a palette choice.
func (a *app) command(m pickedMsg) tea.Cmd {
	if m.cancelled {
		return nil
	}
	spec := m.spec
	switch {
	case strings.HasPrefix(spec, "tab:"):
		return a.send(tabMsg{int(spec[4] - '0')})
	case spec == "help":
		a.showHelp = true
		return nil
	case strings.HasPrefix(spec, "list:"):
		return a.send(listMsg{strings.TrimPrefix(spec, "list:")})
	}
	if k, ok := kindByName(spec); ok {
		return a.send(listMsg{string(k)})
	}
	for i, n := range tabNames {
		if strings.EqualFold(n, spec) {
			return a.send(tabMsg{i})
		}
	}
	if rs := a.s.w.ix.Find(spec); len(rs) > 0 {
		return a.send(openMsg{id: rs[0].Base().ID})
	}
	a.flash, a.flashErr = fmt.Sprintf("%q is not a view, a kind or an ID, name or IP in the snapshot", termsafe.Clip(spec, 64)), true
	if sug := a.s.w.ix.Suggest(spec, 3); len(sug) > 0 {
		a.flash += "; did you mean " + strings.Join(sug, ", ") + "?"
	}
	return nil
}

// mouse scrolls with the wheel, switches tabs with a click on them, and
// selects (then opens) list rows with clicks (only with --mouse).
func (a *app) mouse(msg tea.MouseMsg) tea.Cmd {
	if a.s == nil || a.mode != modeNormal {
		return nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		return a.route(tea.KeyMsg{Type: tea.KeyUp})
	case msg.Button == tea.MouseButtonWheelDown:
		return a.route(tea.KeyMsg{Type: tea.KeyDown})
	case msg.Action == tea.MouseActionRelease && msg.Button == tea.MouseButtonLeft && msg.Y == 0:
		x := 0
		for i, n := range tabNames {
			wdt := ansi.StringWidth(fmt.Sprintf(" %d %s ", i+1, n))
			if msg.X >= x && msg.X < x+wdt {
				a.push(a.sections[i])
				return nil
			}
			x += wdt
		}
	case msg.Action == tea.MouseActionRelease && msg.Button == tea.MouseButtonLeft && msg.Y >= 2:
		if c, ok := a.active().(clicker); ok && c.Click(msg.X, msg.Y-2) {
			return a.route(tea.KeyMsg{Type: tea.KeyEnter})
		}
	}
	return nil
}

// clicker views select the row under a click (x, y within the view); a
// click on the row already selected asks to open it, as enter does.
type clicker interface{ Click(x, y int) (open bool) }

func (a *app) View() (out string) {
	defer func() {
		if r := recover(); r != nil {
			a.crash = fmt.Sprintf("%v\n%s", r, debug.Stack())
			if a.quit != nil {
				go a.quit()
			}
			out = ""
		}
	}()
	// Every value from the snapshot was made safe where a view shows it;
	// the screen passes through termsafe.Frame as well, so that nothing but
	// our own colours reaches the terminal even if one was missed.
	return termsafe.Frame(a.screen(), a.th.styled)
}

// screen renders the whole screen.
func (a *app) screen() string {
	if a.w == 0 {
		return ""
	}
	if a.w < minWidth || a.h < minHeight {
		msg := fmt.Sprintf("The terminal is %dx%d; vpcscope needs at least %dx%d.\nMake the window larger, or press q to quit.", a.w, a.h, minWidth, minHeight)
		return lipgloss.Place(a.w, a.h, lipgloss.Center, lipgloss.Center, ansi.Wordwrap(msg, a.w, " "), lipgloss.WithWhitespaceChars(" "))
	}
	if a.s == nil {
		return a.loadingView()
	}
	body := ""
	switch {
	case a.showHelp:
		body = a.helpView()
	case a.mode == modeCommand:
		body = a.palette.View()
	default:
		body = a.active().View()
	}
	bodyH := a.h - 4
	body = fit(body, a.w, bodyH)
	return a.tabsView() + "\n" + a.crumbsView() + "\n" + body + "\n" + a.footerView() + "\n" + a.statusView()
}

// fit cuts or pads s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (a *app) loadingView() string {
	th := a.th
	var b strings.Builder
	b.WriteString(th.title.Render("vpcscope") + "  " + th.dim.Render(a.opts.Source) + "\n\n")
	if a.loadErr != nil {
		b.WriteString(th.bad.Render("✗ could not load the network") + "\n\n")
		b.WriteString(ansi.Wordwrap(safe(a.loadErr.Error()), a.w-2, " ") + "\n\n")
		b.WriteString(th.dim.Render("press q to quit"))
		return fit(b.String(), a.w, a.h)
	}
	b.WriteString(th.bold.Render("Loading the network…") + "\n\n")
	steps := a.steps
	if n := a.h - 6; len(steps) > n {
		steps = steps[len(steps)-n:]
	}
	for i, s := range steps {
		mark := th.ok.Render("✓ ")
		if i == len(steps)-1 {
			mark = th.marker.Render("… ")
		}
		b.WriteString("  " + mark + s + "\n")
	}
	b.WriteString("\n" + th.dim.Render("q quits"))
	return fit(b.String(), a.w, a.h)
}

func (a *app) tabsView() string {
	var parts []string
	cur := -1
	for i, s := range a.sections {
		if s == a.active() {
			cur = i
		}
	}
	for i, n := range tabNames {
		t := fmt.Sprintf("%d %s", i+1, n)
		if i == cur {
			parts = append(parts, a.th.tabActive.Render(t))
		} else {
			parts = append(parts, a.th.tab.Render(t))
		}
	}
	line := strings.Join(parts, "")
	right := a.th.dim.Render("? help  : go to  q quit")
	if gap := a.w - ansi.StringWidth(line) - ansi.StringWidth(right); gap > 1 {
		line += strings.Repeat(" ", gap) + right
	}
	return ansi.Truncate(line, a.w, "…")
}

func (a *app) crumbsView() string {
	crumbs := a.active().Crumbs()
	sep := a.th.crumbSep.Render(" › ")
	parts := make([]string, len(crumbs))
	for i, c := range crumbs {
		if i == len(crumbs)-1 {
			parts[i] = a.th.bold.Render(safe(c))
		} else {
			parts[i] = a.th.crumb.Render(safe(c))
		}
	}
	s := " " + strings.Join(parts, sep)
	if len(a.history) > 1 {
		s += a.th.dim.Render(fmt.Sprintf("   (%d/%d · esc back · ] forward)", a.hIdx+1, len(a.history)))
	}
	return ansi.Truncate(s, a.w, "…")
}

func (a *app) footerView() string {
	th := a.th
	switch a.mode {
	case modeFilter:
		return ansi.Truncate(th.key.Render(" /")+a.filterIn.View(th)+th.dim.Render("  enter keep · esc clear"), a.w, "…")
	case modeCommand:
		return ""
	}
	if a.showHelp {
		return th.dim.Render(" press any key to close the help")
	}
	var bs []key.Binding
	for _, b := range a.active().Keys() {
		if !isMove(b) {
			bs = append(bs, b)
		}
	}
	bs = append(bs, keys.Filter, keys.Back, keys.Help)
	a.help.Width = a.w - 1
	return " " + a.help.ShortHelpView(bs)
}

func (a *app) statusView() string {
	th := a.th
	w := a.s.w
	seg := func(label, value string) string {
		return th.status.Render(" "+label+" ") + th.statusKey.Render(value) + th.status.Render(" ")
	}
	var parts []string
	if a.s.whatIfActive() {
		parts = append(parts, th.whatIf.Inherit(th.status).Render(fmt.Sprintf(" WHAT-IF: %d change(s) in memory, not applied to AWS ", a.s.ov.Len())))
	}
	parts = append(parts, seg("source", safe(a.opts.Source)))
	if rs := w.regions(); len(rs) > 0 {
		parts = append(parts, seg("region", safe(joinN(rs, 2))))
	}
	if age := w.age(a.now()); age != "" {
		parts = append(parts, seg("snapshot", age))
	}
	caveats := len(w.snap.Gaps) + len(w.ix.Problems)
	if caveats > 0 {
		parts = append(parts, th.statusWarn.Render(fmt.Sprintf(" ? %d caveats ", caveats)))
	} else {
		parts = append(parts, th.status.Render(" no caveats "))
	}
	line := strings.Join(parts, th.status.Render("│"))
	if a.flash != "" {
		// an error goes first, so that a narrow screen cannot cut it off
		// (a refused what-if edit says why here)
		if a.flashErr {
			line = th.statusErr.Render(" "+safe(a.flash)+" ") + th.status.Render("│") + line
		} else {
			line += th.status.Render("│") + th.status.Render(" "+safe(a.flash)+" ")
		}
	}
	line = ansi.Truncate(line, a.w, "…")
	if pad := a.w - ansi.StringWidth(line); pad > 0 {
		line += th.status.Render(strings.Repeat(" ", pad))
	}
	return line
}

func (a *app) helpView() string {
	th := a.th
	v := a.active()
	a.help.Width = a.w
	var b strings.Builder
	b.WriteString(th.title.Render("Keys") + th.dim.Render("  (generated from the key map; any key closes)") + "\n\n")
	b.WriteString(th.section.Render("This view: "+strings.Join(v.Crumbs()[:1], "")) + "\n")
	b.WriteString(a.help.FullHelpView(chunk(v.Keys(), 6)) + "\n\n")
	b.WriteString(th.section.Render("Everywhere") + "\n")
	b.WriteString(a.help.FullHelpView(chunk(keys.globalHelp(), 6)) + "\n\n")
	b.WriteString(th.section.Render("How to find why A cannot reach B") + "\n")
	b.WriteString("  4 (Trace) · enter to pick the source, then the destination · type the port ·\n")
	b.WriteString("  the ◆ hop is what blocks it · b jumps to that rule in its resource ·\n")
	b.WriteString("  a/e/d there try a fix in memory (what-if) · esc back shows the new verdict\n")
	return b.String()
}

// isMove reports whether b is a movement binding, which the footer leaves
// to the help screen.
func isMove(b key.Binding) bool {
	for _, m := range keys.moveHelp()[:6] {
		if b.Help() == m.Help() {
			return true
		}
	}
	return false
}

func chunk(bs []key.Binding, n int) [][]key.Binding {
	var out [][]key.Binding
	for len(bs) > n {
		out = append(out, bs[:n])
		bs = bs[n:]
	}
	return append(out, bs)
}

// recoverTo turns a panic in Update into a clean quit; Run prints it after
// the terminal is restored.
func (a *app) recoverTo(cmd *tea.Cmd) {
	if r := recover(); r != nil {
		a.crash = fmt.Sprintf("%v\n%s", r, debug.Stack())
		*cmd = tea.Quit
	}
}

func ansiStrip(s string) string { return ansi.Strip(s) }
