package chain

// Google's limits on a service attachment's consumer lists (docs/gcp-rules.md SA-LIST-SIZE).
const (
	// AcceptListMax is how many values a service attachment's consumer accept list holds.
	AcceptListMax = 5000
	// RejectListMax is how many values a service attachment's consumer reject list holds.
	RejectListMax = 64
)
