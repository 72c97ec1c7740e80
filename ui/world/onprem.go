package world

import (
	"fmt"
	"strings"

	"github.com/vpcscope/vpcscope/reach"
)

// WithOnPrem declares on-premises networks (--onprem NAME=CIDR) on the
// world's engine, as the command line's questions do: traces may then
// start or end at NAME or NAME:ADDRESS.
func (w *World) WithOnPrem(nets []reach.OnPremNetwork) error {
	if len(nets) == 0 {
		return nil
	}
	e, err := w.Eng.WithOnPrem(nets)
	if err != nil {
		return fmt.Errorf("--onprem: %w", err)
	}
	w.Eng, w.OnPrem = e, nets
	return nil
}

// onPremEndpoints are the declared on-premises networks as trace ends.
func (w *World) onPremEndpoints() []Endpoint {
	var out []Endpoint
	for _, n := range w.OnPrem {
		ps := make([]string, len(n.Prefixes))
		for i, p := range n.Prefixes {
			ps[i] = p.String()
		}
		out = append(out, Endpoint{Spec: n.Name, Label: Safe(fmt.Sprintf("%s  on-premises  %s (--onprem)", n.Name, strings.Join(ps, ", ")))})
	}
	return out
}
