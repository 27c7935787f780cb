package doctor

// Statuses of a link. A warning names a likely cause doctor cannot confirm from the stacks (a
// grant outside them, say); it does not make the path unhealthy.
const (
	OK      = "ok"
	Warning = "warning"
	Broken  = "broken"
	Skipped = "skipped"
)

// Link is the verdict on one link of the chain (chain.Links): ok, with what was found; broken or
// warning, with each problem found there; or skipped, with why it was not checked.
type Link struct {
	Name     string    `json:"link"`
	Region   string    `json:"region,omitempty"` // the region whose chain it is, when the path spans several (paths.go)
	Status   string    `json:"status"`
	Resource string    `json:"resource,omitempty"` // the resource an ok link resolved to
	Detail   string    `json:"detail,omitempty"`   // what was found, for an ok link; why not checked, for a skipped one
	Problems []Problem `json:"problems,omitempty"` // what is wrong (or may be, for a warning), in the order found
}

// Problem is one thing wrong at a link, or likely wrong for a warning: its cause and its fix.
type Problem struct {
	Link     string `json:"link,omitempty"` // the link it concerns, for a problem of the whole path (Report.Problems)
	Status   string `json:"status"`         // Broken or Warning
	Resource string `json:"resource,omitempty"`
	Cause    string `json:"cause"`
	Fix      string `json:"fix"`
}

// Report is doctor's verdict on a path: every link of the chain, in the order a request crosses
// them, once per region when the path spans several (each link then names its region); and what
// the whole path risks (a region's outage it cannot fail over from, failover.go), as warnings.
type Report struct {
	Producer string    `json:"producerStack,omitempty"`
	Consumer string    `json:"consumerStack,omitempty"`
	Healthy  bool      `json:"healthy"`
	Links    []Link    `json:"links"`
	Problems []Problem `json:"problems,omitempty"`
}

// Broken returns the broken links.
func (r *Report) Broken() []Link {
	var out []Link
	for _, l := range r.Links {
		if l.Status == Broken {
			out = append(out, l)
		}
	}
	return out
}

// add records a problem at the link: the link is broken once one problem is, a warning while
// all its problems are warnings.
func (l *Link) add(p Problem) {
	l.Problems = append(l.Problems, p)
	if l.Status != Broken {
		l.Status = p.Status
	}
	l.Detail = ""
}
