package main

import (
	"bufio"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/reach"
)

// onPremOptions are the on-premises networks a question names: --onprem
// NAME=CIDR[,CIDR] (repeatable) and --onprem-file FILE (one NAME=CIDR[,CIDR]
// a line; # starts a comment).
type onPremOptions struct {
	specs []string
	file  string
}

// addOnPremFlags adds --onprem and --onprem-file to a question's command.
func addOnPremFlags(cmd *cobra.Command, o *onPremOptions) {
	cmd.Flags().StringArrayVar(&o.specs, "onprem", nil,
		"an on-premises network beyond a VPN or Direct Connect link, NAME=CIDR[,CIDR] (repeatable); name it as an end: --from NAME:ADDRESS, --from NAME, or an address inside it")
	cmd.Flags().StringVar(&o.file, "onprem-file", "", "a file of on-premises networks, one NAME=CIDR[,CIDR] a line (# comments)")
}

// networks parses the flags' networks; a bad one is a usage error (exit 2)
// naming the file and line when it came from the file.
func (o *onPremOptions) networks() ([]reach.OnPremNetwork, error) {
	var out []reach.OnPremNetwork
	for _, spec := range o.specs {
		n, err := reach.ParseOnPrem(spec)
		if err != nil {
			return nil, usagef("%v", err)
		}
		out = append(out, n)
	}
	if o.file == "" {
		return out, nil
	}
	f, err := os.Open(o.file)
	if err != nil {
		return nil, usagef("--onprem-file: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		if text = strings.TrimSpace(text); text == "" {
			continue
		}
		n, err := reach.ParseOnPrem(text)
		if err != nil {
			return nil, usagef("%s:%d: %v", o.file, line, err)
		}
		out = append(out, n)
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("--onprem-file %s: %v", o.file, err)
	}
	return out, nil
}

// engine returns the engine e with the on-premises networks declared.
func (o *onPremOptions) engine(e *reach.Engine) (*reach.Engine, error) {
	nets, err := o.networks()
	if err != nil {
		return nil, err
	}
	if len(nets) == 0 {
		return e, nil
	}
	e, err = e.WithOnPrem(nets)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return e, nil
}
