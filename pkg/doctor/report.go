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
	Chain    string    `json:"chain,omitempty"`  // the chain it is a link of, when the stacks hold several (chains.go)
	Region   string    `json:"region,omitempty"` // the region whose chain it is, when the path spans several (paths.go)
	Status   string    `json:"status"`
	Resource string    `json:"resource,omitempty"` // the resource an ok link resolved to
	Detail   string    `json:"detail,omitempty"`   // what was found, for an ok link; why not checked, for a skipped one
	Problems []Problem `json:"problems,omitempty"` // what is wrong (or may be, for a warning), in the order found
}

// Problem is one thing wrong at a link, or likely wrong for a warning: its cause and its fix.
type Problem struct {
	Link     string `json:"link,omitempty"`  // the link it concerns, for a problem of the whole path (Report.Problems)
	Chain    string `json:"chain,omitempty"` // the first chain it is found on, when the stacks hold several (chains.go)
	Status   string `json:"status"`          // Broken or Warning
	Resource string `json:"resource,omitempty"`
	Cause    string `json:"cause"`
	Fix      string `json:"fix"`
}

// Report is doctor's verdict on the stacks: every link of each chain they hold (chains.go), in
// the order a request crosses them, once per region when a path spans several (each link then
// names its region) and once per chain when there are several (each link then names its chain);
// the verdict on each chain; and what the paths risk (a region's outage they cannot fail over
// from, failover.go), as warnings. Healthy is every chain's.
type Report struct {
	Producer string    `json:"producerStack,omitempty"`
	Consumer string    `json:"consumerStack,omitempty"`
	Healthy  bool      `json:"healthy"`
	Chains   []Chain   `json:"chains"`
	Links    []Link    `json:"links"`
	Problems []Problem `json:"problems,omitempty"`
}

// Chain is the verdict on one chain: its name (the components by URN name, as its links'
// chain field gives it; "" when the stacks hold no component), and its broken links.
type Chain struct {
	Name    string   `json:"chain"`
	Healthy bool     `json:"healthy"`
	Broken  []string `json:"broken,omitempty"` // "[region ]link" of each broken link
}

// same reports whether two problems of the whole path are one (the producer's, found again on
// another chain that crosses it).
func (p Problem) same(q Problem) bool {
	return p.Link == q.Link && p.Resource == q.Resource && p.Cause == q.Cause
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
