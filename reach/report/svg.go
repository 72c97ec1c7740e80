package report

import (
	"cmp"
	"fmt"
	"slices"

	"net/netip"

	"github.com/vpcscope/vpcscope/model"
)

// diagram is the network laid out for the HTML report's inline SVG: a box
// per VPC with its internet gateway and the resources the internet
// reaches, the internet above, transit gateways below, peering and
// attachment lines, exposed paths highlighted.
type diagram struct {
	W, H  int
	Boxes []svgBox
	Nodes []svgNode
	Lines []svgLine
	Texts []svgText
}

type svgBox struct {
	X, Y, W, H int
	Class      string
}

type svgNode struct {
	X, Y, R int
	Class   string
	Title   string
}

type svgLine struct {
	D     string
	Class string
	Title string
}

type svgText struct {
	X, Y  int
	Text  string
	Class string
}

const (
	boxW, gapX, gapY, margin = 320, 40, 50, 20
	itemH, maxItems          = 20, 8
)

// layout places the document's network.
func layout(d *Document) *diagram {
	s := d.snap
	ix := model.NewIndex(s)
	type item struct{ label, title string }
	exposedIn := map[string][]item{}
	seen := map[string]bool{}
	for _, x := range d.exposed {
		vpc := ""
		if n := ix.Interface(x.ID); n != nil {
			vpc = n.VPCID
		} else if lb, ok := model.Get[*model.LoadBalancer](ix, x.ID); ok {
			vpc = lb.VPCID
		}
		who := cmpName(x.Name, x.ID)
		if x.Kind == "load-balancer" {
			who = x.Name + " (load balancer)"
		}
		if vpc == "" || seen[vpc+who] {
			continue
		}
		seen[vpc+who] = true
		exposedIn[vpc] = append(exposedIn[vpc], item{who + " " + exposedAddr(x), x.SourceSummary})
	}
	vpcs := slices.Clone(s.VPCs)
	slices.SortFunc(vpcs, func(a, b *model.VPC) int {
		return cmp.Or(cmp.Compare(len(exposedIn[b.ID]), len(exposedIn[a.ID])), cmp.Compare(a.ID, b.ID))
	})
	cols := min(3, max(1, len(vpcs)))
	g := &diagram{W: margin*2 + cols*boxW + (cols-1)*gapX}
	inetX, inetY := g.W/2, 40
	g.Nodes = append(g.Nodes, svgNode{X: inetX, Y: inetY, R: 22, Class: "internet", Title: "the internet"})
	g.Texts = append(g.Texts, svgText{X: inetX, Y: inetY + 4, Text: "internet", Class: "label center"})
	type pos struct{ cx, bottom int }
	at := map[string]pos{}
	y := 110
	for row := 0; row*cols < len(vpcs); row++ {
		rowH := 0
		for c := 0; c < cols && row*cols+c < len(vpcs); c++ {
			v := vpcs[row*cols+c]
			rowH = max(rowH, 70+itemH*min(len(exposedIn[v.ID]), maxItems+1))
		}
		for c := 0; c < cols && row*cols+c < len(vpcs); c++ {
			v := vpcs[row*cols+c]
			x := margin + c*(boxW+gapX)
			items := exposedIn[v.ID]
			class := "vpc"
			if len(items) > 0 {
				class = "vpc exposed"
			}
			g.Boxes = append(g.Boxes, svgBox{X: x, Y: y, W: boxW, H: rowH, Class: class})
			title := cmpName(v.Name(), v.ID)
			g.Texts = append(g.Texts, svgText{X: x + 10, Y: y + 20, Text: clip(title, 34), Class: "title"})
			g.Texts = append(g.Texts, svgText{X: x + 10, Y: y + 38, Text: clip(prefixes(v.CIDRs)+" · "+v.Account+" "+v.Region, 46), Class: "small"})
			at[v.ID] = pos{x + boxW/2, y + rowH}
			igw := ""
			for _, gw := range s.InternetGateways {
				if gw.AttachedTo(v.ID) {
					igw = gw.ID
				}
			}
			if igw != "" {
				gx, gy := x+boxW-28, y+22
				lineClass := "igw"
				if len(items) > 0 {
					lineClass = "igw hot"
				}
				g.Lines = append(g.Lines, svgLine{D: fmt.Sprintf("M%d %d L%d %d", inetX, inetY+22, gx, gy-12), Class: lineClass, Title: "internet ↔ " + igw})
				g.Nodes = append(g.Nodes, svgNode{X: gx, Y: gy, R: 12, Class: "gateway", Title: igw})
				g.Texts = append(g.Texts, svgText{X: gx, Y: gy + 4, Text: "IGW", Class: "tiny center"})
				for i, it := range items {
					if i == maxItems {
						g.Texts = append(g.Texts, svgText{X: x + 30, Y: y + 60 + i*itemH, Text: fmt.Sprintf("and %d more", len(items)-maxItems), Class: "small"})
						break
					}
					iy := y + 56 + i*itemH
					g.Lines = append(g.Lines, svgLine{D: fmt.Sprintf("M%d %d L%d %d", gx, gy+12, x+18, iy), Class: "path hot", Title: it.label + " from " + it.title})
					g.Nodes = append(g.Nodes, svgNode{X: x + 18, Y: iy, R: 5, Class: "exposed", Title: it.label + " from " + it.title})
					g.Texts = append(g.Texts, svgText{X: x + 30, Y: iy + 4, Text: clip(it.label, 44), Class: "item"})
				}
			}
		}
		y += rowH + gapY
	}
	// Peering: a curve below the two boxes.
	for _, p := range s.VPCPeerings {
		a, okA := at[p.Requester.VPCID]
		b, okB := at[p.Accepter.VPCID]
		if !okA || !okB {
			continue
		}
		class := "peering"
		if !p.IsActive() {
			class = "peering inactive"
		}
		g.Lines = append(g.Lines, svgLine{D: fmt.Sprintf("M%d %d Q%d %d %d %d", a.cx, a.bottom, (a.cx+b.cx)/2, max(a.bottom, b.bottom)+gapY-10, b.cx, b.bottom),
			Class: class, Title: p.ID + " (" + p.Status + ")"})
	}
	// Transit gateways: a row below, a line to each attached VPC.
	tgws := slices.Clone(s.TransitGateways)
	slices.SortFunc(tgws, func(a, b *model.TransitGateway) int { return cmp.Compare(a.ID, b.ID) })
	if len(tgws) > 0 {
		ty := y + 20
		for i, t := range tgws {
			tx := margin + 40 + i*(g.W-2*margin-80)/max(1, len(tgws)-1)
			if len(tgws) == 1 {
				tx = g.W / 2
			}
			for _, a := range s.TGWAttachments {
				if a.TransitGatewayID != t.ID || a.ResourceType != "vpc" {
					continue
				}
				if v, ok := at[a.ResourceID]; ok {
					g.Lines = append(g.Lines, svgLine{D: fmt.Sprintf("M%d %d L%d %d", v.cx, v.bottom, tx, ty-14), Class: "tgw", Title: a.ID})
				}
			}
			g.Nodes = append(g.Nodes, svgNode{X: tx, Y: ty, R: 14, Class: "gateway", Title: t.ID})
			g.Texts = append(g.Texts, svgText{X: tx, Y: ty + 30, Text: clip(cmpName(t.Name(), t.ID), 30), Class: "small center"})
		}
		y = ty + 50
	}
	g.H = y
	return g
}

func prefixes(ps []netip.Prefix) string {
	out := ""
	for i, p := range ps {
		if i > 0 {
			out += " "
		}
		out += p.String()
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
