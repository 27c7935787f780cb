package psc

import (
	"fmt"
	"regexp"
)

// caPoolRe is a CA Service pool's full ID, whose location is the first group (CAS-POOL-ID,
// docs/gcp-rules.md): the form an issuance config's caPool takes.
var caPoolRe = regexp.MustCompile(`^projects/[a-z0-9.:-]+/locations/([a-z0-9-]+)/caPools/[a-zA-Z0-9_-]{1,63}$`)

// validatePrivate checks tls.private: exactly one of caPool and createCa, a well-formed pool, and
// a name for the certificate to cover. A pool's region is checked here when region is given, and
// once the provider's is known otherwise (validatePrivatePlaced).
func (a *ProducerServiceArgs) validatePrivate(p *problems) {
	priv := a.Tls.Private
	if given(priv.CaPool) == (priv.CreateCa != nil) {
		p.addf("tls.private", "give exactly one of caPool (the full ID of an existing CA Service pool) and createCa (a pool and root CA the component creates)")
	}
	if priv.CreateCa == nil {
		checkKnown(p, "tls.private.caPool", priv.CaPool, a.checkCaPool)
	}
	if len(a.privateDomains()) == 0 {
		p.addf("hostname", "is required with tls.private: the private name the CA Service-issued certificate covers, such as payment-api.internal")
	}
}

// checkCaPool checks a known pool ID: well formed and, without regions, in the producer's region,
// where the component creates the regional issuance config (CM-ISSUANCE-LOCATIONS). With regions
// the issuance config is global and takes a pool in any region (CM-ISSUANCE-GLOBAL); in the
// migration state the regional one needs the producer's region too.
func (a *ProducerServiceArgs) checkCaPool(c string) error {
	m := caPoolRe.FindStringSubmatch(c)
	switch {
	case m == nil:
		return fmt.Errorf("must be the full ID of a CA Service pool, projects/PROJECT/locations/REGION/caPools/NAME, got %q", c)
	case a.regionalChain() && a.Region != "" && m[1] != a.Region:
		return fmt.Errorf("is in %s, but the regional load balancer is in %s, where the component creates the certificate and its regional issuance config: use a pool in %s", m[1], a.Region, a.Region)
	}
	return nil
}

// validatePrivatePlaced checks a known tls.private.caPool against the producer's region, once the
// provider's region is known.
func (a *ProducerServiceArgs) validatePrivatePlaced(p *problems) {
	if t := a.Tls; t != nil && t.Private != nil && t.Private.CreateCa == nil {
		checkKnown(p, "tls.private.caPool", t.Private.CaPool, a.checkCaPool)
	}
}
