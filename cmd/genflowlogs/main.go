// Command genflowlogs writes synthetic VPC Flow Logs for a fixture, the
// demo account or the generated large account, consistent with the
// engine's answers plus planted disagreements, in every delivery form:
//
//	go run ./cmd/genflowlogs -snapshot demo -out /tmp/flows
//	go run ./cmd/genflowlogs -snapshot large -variant gzip -connections 5000 -out /tmp/flows
//
// Files land in the S3 layout (AWSLogs/<account>/vpcflowlogs/<region>/…),
// the CloudWatch Logs export under cloudwatch/. A line per file goes to
// standard output; `vpcscope flowlogs explain -snapshot … DIR` reads them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
)

func main() {
	name := flag.String("snapshot", "demo", "demo, large, or a fixture: "+strings.Join(fixtures.Names(), ", "))
	variant := flag.String("variant", "all", "the form to write: all, or one of v2, custom, v5, gzip, parquet, cloudwatch")
	out := flag.String("out", "flowlogs", "folder to write into")
	seed := flag.Uint64("seed", 1, "random seed")
	conns := flag.Int("connections", 300, "client-server exchanges to try")
	windows := flag.Int("windows", 3, "capture windows (records) per flow")
	flag.Parse()
	if err := run(*name, *variant, *out, *seed, *conns, *windows); err != nil {
		fmt.Fprintln(os.Stderr, "genflowlogs: "+err.Error())
		os.Exit(2)
	}
}

func run(name, variant, out string, seed uint64, conns, windows int) error {
	var snap *model.Snapshot
	var err error
	switch name {
	case "demo":
		snap, err = fixtures.Demo()
	case "large":
		snap = fixtures.Large(fixtures.DefaultLarge())
	default:
		snap, err = fixtures.Load(name)
	}
	if err != nil {
		return err
	}
	variants := flowexplain.Variants
	if variant != "all" {
		if !slices.Contains(variants, flowexplain.Variant(variant)) {
			return fmt.Errorf("-variant %s: want all or one of %v", variant, variants)
		}
		variants = []flowexplain.Variant{flowexplain.Variant(variant)}
	}
	syn, err := flowexplain.Synthesize(reach.New(snap), flowexplain.SynthOptions{Seed: seed, Connections: conns, Windows: windows})
	if err != nil {
		return err
	}
	for i, v := range variants {
		var buf bytes.Buffer
		if err := syn.Write(&buf, v); err != nil {
			return err
		}
		path := filepath.Join(out, filepath.FromSlash(syn.Path(v, syn.Truths0Start(), i+1)))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d records (%s)\n", path, len(syn.Records), v)
	}
	return nil
}
