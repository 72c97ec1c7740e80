package report_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vpcscope/vpcscope/reach/report"
)

var screenshot = flag.Bool("screenshot", false, "write the HTML report's screenshot to docs/images/audit-report.png")

// chromium finds Debian's chromium; under CI=true its absence fails the
// test (.ci/run installs it), elsewhere the test is skipped.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium; .ci/run does)")
	}
	t.Skip("chromium is not installed (set CI=true to make this a failure)")
	return ""
}

// TestHTMLReportInHeadlessChromium: the audit report, served from
// 127.0.0.1, opens in headless Chromium with no console error, no
// exception and no request but the page itself; typing in the filter
// box hides every row without the terms; #q=TERMS in the address filters
// on load; clicking a column header sorts by it.
func TestHTMLReportInHeadlessChromium(t *testing.T) {
	exe := chromium(t)
	d, _, _ := demoDocuments(t)
	var page bytes.Buffer
	if err := report.HTML(&page, d); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var requests, problems []string

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.URL.Path)
		mu.Unlock()
		if r.URL.Path != "/report.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page.Bytes())
	}))
	defer srv.Close()

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// A guard against a hung browser, not a time budget.
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()
	// Every console message of type error or warning, uncaught exception
	// and browser-log error or warning (a CSP violation, a failed load).
	consoleCtx, stopConsole := context.WithCancel(ctx)
	done := make(chan struct{})
	messages := chromedp.Console(consoleCtx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	url := srv.URL + "/report.html"
	visible := `document.querySelectorAll("#findings tbody tr:not([hidden])").length`
	allMatch := func(term string) string {
		return fmt.Sprintf(`Array.from(document.querySelectorAll("#findings tbody tr:not([hidden])")).every(r => r.textContent.toLowerCase().includes(%q))`, strings.ToLower(term))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	evalInt := func(expr string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		must(err)
		return n
	}
	must(chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#findings"))))
	total := evalInt(visible)
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#filter"), "EC2.21 medium")))
	filtered := evalInt(visible)
	everyMatch, err := chromedp.Run(ctx, chromedp.Evaluate[bool](allMatch("EC2.21")+" && "+allMatch("medium")))
	must(err)
	afterClear := evalInt(`(f => { f.value = ""; f.dispatchEvent(new Event("input")); })(document.getElementById("filter")), ` + visible)
	must(chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#findings thead th:nth-child(3)`))))
	firstResources, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#findings tbody tr")).slice(0, 40).map(r => r.cells[2].textContent)`))
	must(err)
	must(chromedp.Do(ctx, chromedp.Navigate(url+"#q=VPCSCOPE.BLACKHOLE")))
	must(chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#findings"))))
	hashed := evalInt(visible)
	if *screenshot {
		must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/report.html?shot"), chromedp.WaitVisible(chromedp.CSS("#findings"))))
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("network").scrollIntoView(), true`))
		must(err)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must(err)
		must(os.WriteFile(filepath.Join("..", "..", "docs", "images", "audit-report.png"), png, 0o644))
	}
	stopConsole()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the browser reported:\n%s", strings.Join(problems, "\n"))
	}
	for _, r := range requests {
		if r != "/report.html" && r != "/favicon.ico" {
			t.Errorf("the page requested %s: it is not self-contained", r)
		}
	}
	wantEC221 := 0
	for _, r := range d.Findings {
		if r.Controls[0] == "EC2.21" && r.Severity == "medium" {
			wantEC221++
		}
	}
	blackholes := 0
	for _, r := range d.Findings {
		if slices.Contains(r.Controls, "VPCSCOPE.BLACKHOLE") {
			blackholes++
		}
	}
	switch {
	case total != len(d.Findings):
		t.Errorf("%d rows shown, %d findings", total, len(d.Findings))
	case filtered == 0 || filtered >= total || !everyMatch || filtered < wantEC221:
		t.Errorf("filter 'EC2.21 medium' shows %d of %d rows (all matching: %v; %d medium EC2.21 findings)", filtered, total, everyMatch, wantEC221)
	case afterClear != total:
		t.Errorf("clearing the filter shows %d of %d", afterClear, total)
	case hashed != blackholes:
		t.Errorf("#q=VPCSCOPE.BLACKHOLE shows %d rows, want %d", hashed, blackholes)
	case !slices.IsSorted(firstResources):
		t.Errorf("clicking the resource column did not sort: %q", firstResources[:5])
	}
}
