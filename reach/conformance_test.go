package reach_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
	"github.com/vpcscope/vpcscope/reach"
)

// probe is one measurement from a lab: what ping or nmap saw in AWS.
type probe struct {
	Lab       string `json:"lab"`
	From      string `json:"from"`
	To        string `json:"to"`
	Protocol  string `json:"protocol"`
	Port      *int   `json:"port"`
	Reachable bool   `json:"reachable"`
	Probe     string `json:"probe"`
}

// minAgreement is the agreed floor per lab; the README explains every
// probe below 100 %.
const minAgreement = 1.0

func labsDir(t testing.TB) string {
	dir := os.Getenv("VPCSCOPE_LABS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "labs")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("labs folder %s missing (set VPCSCOPE_LABS): %v", dir, err)
		}
		t.Skipf("labs folder %s missing (set VPCSCOPE_LABS)", dir)
	}
	return dir
}

// TestConformance runs every measured probe of every lab through the
// engine and compares the verdict with what the real network did.
func TestConformance(t *testing.T) {
	dir := labsDir(t)
	labs, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var report []string
	for _, lab := range labs {
		if !lab.IsDir() {
			continue
		}
		name := lab.Name()
		t.Run(name, func(t *testing.T) {
			snap, _, err := awsjson.ReadDir(context.Background(), filepath.Join(dir, name, "aws_configs"), awsjson.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(dir, name, "probes.json"))
			if err != nil {
				t.Fatal(err)
			}
			var probes []probe
			if err := json.Unmarshal(data, &probes); err != nil {
				t.Fatal(err)
			}
			e := reach.New(snap)
			agree := 0
			var wrong []string
			for _, p := range probes {
				got, why := run(e, p)
				if got == p.Reachable {
					agree++
					continue
				}
				wrong = append(wrong, fmt.Sprintf("%s -> %s %s/%v: measured %v, engine %v: %s",
					p.From, p.To, p.Protocol, portOf(p), p.Reachable, got, why))
			}
			ratio := float64(agree) / float64(len(probes))
			report = append(report, fmt.Sprintf("%-34s %4d/%4d  %6.2f%%", name, agree, len(probes), 100*ratio))
			sort.Strings(wrong)
			if testing.Verbose() || ratio < minAgreement {
				for _, w := range wrong {
					t.Log(w)
				}
			}
			if ratio < minAgreement {
				t.Errorf("%s: agreement %.2f%% is below %.0f%%", name, 100*ratio, 100*minAgreement)
			}
		})
	}
	t.Logf("conformance per lab:\n%s", strings.Join(report, "\n"))
}

// TestLabsValidate: every measured lab is real AWS output, so
// model.Validate, which every load runs, finds no error in it (what it
// finds odd is a note).
func TestLabsValidate(t *testing.T) {
	dir := labsDir(t)
	labs, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, lab := range labs {
		if !lab.IsDir() {
			continue
		}
		n++
		t.Run(lab.Name(), func(t *testing.T) {
			snap, _, err := awsjson.ReadDir(context.Background(), filepath.Join(dir, lab.Name(), "aws_configs"), awsjson.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range model.Validate(snap).Errors() {
				t.Errorf("error: %s", p)
			}
		})
	}
	if n < 8 {
		t.Errorf("%d labs in %s, want the eight measured ones", n, dir)
	}
}

func portOf(p probe) string {
	if p.Port == nil {
		return "echo"
	}
	return fmt.Sprint(*p.Port)
}

// run asks the engine the probe's question.
func run(e *reach.Engine, p probe) (bool, string) {
	q := reach.Query{From: p.From, To: p.To}
	if p.From == "8.8.8.8" {
		q.From = "internet"
	}
	if p.To == "8.8.8.8" {
		q.To = "internet"
	}
	proto, err := model.ParseProtocol(p.Protocol)
	if err != nil {
		return false, err.Error()
	}
	q.Protocol = proto
	if p.Port != nil {
		q.Port = *p.Port
	}
	a, err := e.Reach(q)
	if err != nil {
		return false, "error: " + err.Error()
	}
	return a.Reachable, a.Summary()
}
