// Package snapfile reads and writes vpcscope snapshot files: versioned JSON
// documents that hold a whole model.Snapshot. Read also accepts a folder of
// AWS CLI describe-* outputs, so every command takes either.
package snapfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
	"github.com/vpcscope/vpcscope/model/internal/jsonpos"
)

// maxSize bounds what Decode reads, so a wrong path (a disk image, a log)
// fails fast instead of exhausting memory.
const maxSize = 2 << 30

// Decode reads a snapshot document from r. name labels errors (a path).
// It refuses documents without a schema field and schemas newer than
// model.SchemaVersion.
func Decode(r io.Reader, name string) (*model.Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return Unmarshal(data, name)
}

// Unmarshal decodes a snapshot document held in memory.
func Unmarshal(data []byte, name string) (*model.Snapshot, error) {
	var head struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonpos.Wrap(name, data, err)
	}
	switch {
	case head.Schema == nil:
		return nil, fmt.Errorf("%s: not a vpcscope snapshot (no \"schema\" field); for AWS CLI output pass its folder", name)
	case *head.Schema > model.SchemaVersion:
		return nil, fmt.Errorf("%s: snapshot schema %d is newer than this vpcscope reads (%d); upgrade vpcscope", name, *head.Schema, model.SchemaVersion)
	case *head.Schema < 1:
		return nil, fmt.Errorf("%s: invalid snapshot schema %d", name, *head.Schema)
	}
	s := new(model.Snapshot)
	if err := json.Unmarshal(data, s); err != nil {
		return nil, jsonpos.Wrap(name, data, err)
	}
	return s, nil
}

// Encode writes the snapshot as indented JSON with the current schema version.
func Encode(w io.Writer, s *model.Snapshot) error {
	out := *s
	out.Schema = model.SchemaVersion
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

// ReadFile reads a snapshot file.
func ReadFile(path string) (*model.Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", unwrapPathError(err))
	}
	return Unmarshal(data, path)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// Notes are what a read found worth telling the user without failing:
// keys of an AWS CLI folder that were skipped, duplicates, and the like.
type Notes []string

// Read loads a snapshot from path: a snapshot file, or a folder of AWS CLI
// describe-* outputs (see package awsjson), whose report it returns as notes.
func Read(path string) (*model.Snapshot, Notes, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read snapshot: %w", unwrapPathError(err))
	}
	if !st.IsDir() {
		s, err := ReadFile(path)
		return s, nil, err
	}
	s, rep, err := awsjson.ReadDir(path)
	if err != nil {
		return nil, nil, err
	}
	if s.Counts()[model.KindVPC] == 0 && len(s.NetworkInterfaces) == 0 {
		return nil, nil, fmt.Errorf("%s: found no VPCs or network interfaces in %d JSON file(s); want the outputs of aws ec2 describe-* (see the README's import format)", path, rep.Files)
	}
	s.Gaps = append(s.Gaps, missingOutputs(rep.Items)...)
	var notes Notes
	if rep != nil {
		for _, sk := range rep.Skipped {
			key := sk.Key
			if key == "" {
				key = "(whole file)"
			}
			notes = append(notes, fmt.Sprintf("skipped %s in %s: %s", key, sk.File, sk.Reason))
		}
		notes = append(notes, rep.Warnings...)
	}
	return s, notes, nil
}

// coreOutputs are the describe-* outputs every answer depends on.
var coreOutputs = []struct {
	key, also string
	kind      model.Kind
	operation string
}{
	{"Vpcs", "", model.KindVPC, "DescribeVpcs"},
	{"Subnets", "", model.KindSubnet, "DescribeSubnets"},
	{"RouteTables", "", model.KindRouteTable, "DescribeRouteTables"},
	{"SecurityGroups", "", model.KindSecurityGroup, "DescribeSecurityGroups"},
	{"NetworkAcls", "", model.KindNetworkACL, "DescribeNetworkAcls"},
	{"NetworkInterfaces", "Reservations", model.KindNetworkInterface, "DescribeNetworkInterfaces"},
}

// missingOutputs records, as gaps, the core outputs a folder lacks: a
// folder without NetworkAcls output says nothing about the ACLs, and the
// answers must say so rather than assume there are none.
func missingOutputs(items map[string]int) []model.Gap {
	var gaps []model.Gap
	for _, c := range coreOutputs {
		if _, ok := items[c.key]; ok {
			continue
		}
		if _, ok := items[c.also]; ok && c.also != "" {
			continue
		}
		gaps = append(gaps, model.Gap{Kind: c.kind, Operation: c.operation,
			Reason: "the folder holds no " + c.key + " output"})
	}
	return gaps
}
