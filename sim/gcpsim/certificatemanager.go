package gcpsim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Certificate Manager: regional (and global) certificates and the DNS authorizations that prove
// control of a managed certificate's domains. The rules carry their docs/gcp-rules.md IDs (CM-*).
const (
	cmCertificateToken = "gcp:certificatemanager/certificate:Certificate"
	dnsAuthToken       = "gcp:certificatemanager/dnsAuthorization:DnsAuthorization"
)

// The managed certificate states the simulator reports (CM-PROVISIONING).
const (
	CertProvisioning = "PROVISIONING"
	CertActive       = "ACTIVE"
)

// certManagerName is Certificate Manager's resource name rule: 1-64 characters, a letter, then
// letters, digits, dashes and underscores (TPG:certificatemanager/resource_certificate_manager_certificate.go:81).
var certManagerName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,63}$`)

var _ = register(&kind{
	token:      dnsAuthToken,
	collection: "dnsAuthorizations",
	noun:       "dns_authorization",
	scope:      scopeLocation,
	autoName:   true,
	nameRule:   certManagerName,
	required:   []string{"domain"},
	enums:      map[string][]string{"type": {"FIXED_RECORD", "PER_PROJECT_RECORD"}},
	forceNew:   []string{"name", "project", "location", "domain", "type"},
	computed:   []string{"dnsResourceRecords", "effectiveLabels", "pulumiLabels"},
	secrets:    labelSecrets,
	defaults:   map[string]any{"location": "global"},
	apiCheck:   checkDNSAuthorization,
	apply:      applyDNSAuthorization,
})

// checkDNSAuthorization is what the API refuses in a DNS authorization (CM-DNSAUTH-DOMAIN,
// LABEL-FORMAT): an authorization covers one domain and its wildcard, so its domain is the
// parent, never a wildcard.
func checkDNSAuthorization(in obj, f *failures) {
	checkLabels(in, f)
	if d := in.str("domain"); in.known("domain") && (strings.Contains(d, "*") || strings.HasSuffix(d, ".") || !strings.Contains(d, ".")) {
		f.add("domain", "The domain %q must be a fully qualified domain name without a wildcard or final dot: the authorization of example.com also covers *.example.com.", d)
	}
}

// applyDNSAuthorization sets the type's default by location (CM-DNSAUTH-TYPE) and the CNAME
// record the user must publish, stable across updates (CM-DNSAUTH-RECORD).
func applyDNSAuthorization(o *op) error {
	out := o.out()
	if out.str("type") == "" {
		out["type"] = "FIXED_RECORD"
		if o.rec.Region != "global" {
			out["type"] = "PER_PROJECT_RECORD"
		}
	}
	domain := o.in.str("domain")
	o.keep("dnsResourceRecords", func() any {
		name := "_acme-challenge." + domain + "."
		if out.str("type") == "PER_PROJECT_RECORD" {
			name = "_acme-challenge_" + shortHash(o.rec.Project+"/"+domain) + "." + domain + "."
		}
		data := fmt.Sprintf("%s.%d.authorize.certificatemanager.goog.", shortHash(o.rec.ID+o.timestamp()), 1+o.t.st.nextNumber()%4)
		return []any{map[string]any{"name": name, "type": "CNAME", "data": data}}
	})
	o.mirrorLabels()
	return nil
}

var _ = register(&kind{
	token:      cmCertificateToken,
	collection: "certificates",
	noun:       "certificate",
	scope:      scopeLocation,
	autoName:   true,
	nameRule:   certManagerName,
	forceNew:   []string{"name", "project", "location", "managed", "scope", "selfManaged"},
	computed:   []string{"sanDnsnames", "effectiveLabels", "pulumiLabels"},
	defaults:   map[string]any{"location": "global", "scope": "DEFAULT"},
	suppress: map[string]string{"scope": "certManagerDefaultScopeDiffSuppress",
		"managed.dnsAuthorizations": "ProjectNumberDiffSuppress", "managed.issuanceConfig": suppressResourceNames},
	// CM-CERT-ONE-OF; the PEMs of a self-managed certificate are stored, not parsed.
	exactlyOneOf: [][]string{{"managed", "selfManaged"},
		{"selfManaged.certificatePem", "selfManaged.pemCertificate"}, {"selfManaged.pemPrivateKey", "selfManaged.privateKeyPem"}},
	secrets: append([]string{"selfManaged.certificatePem", "selfManaged.pemPrivateKey", "selfManaged.privateKeyPem"},
		labelSecrets...),
	apiCheck: checkCMCertificateAPI,
	apply:    applyCMCertificate,
	refresh:  func(t *tx, r *Record) { t.st.setManagedState(r) },
	// A certificate issued by CA Service takes its issuance's time (privateca.go).
	latencyKey: func(in obj) string {
		if in.sub("managed").str("issuanceConfig") != "" {
			return issuedVariant
		}
		return ""
	},
})

// checkCMCertificateAPI is what the API refuses in a managed certificate's request alone
// (CM-MANAGED-AUTH, LABEL-FORMAT): domains, and DNS authorizations or an issuance config, not
// both; load balancer authorization (neither) only for a global certificate without wildcards.
func checkCMCertificateAPI(in obj, f *failures) {
	checkLabels(in, f)
	m := in.sub("managed")
	if m == nil {
		return
	}
	domains := m.strs("domains")
	if len(domains) == 0 {
		f.add("managed.domains", "A managed certificate needs at least one domain.")
	}
	auths, issuance := len(m.list("dnsAuthorizations")) > 0, m.str("issuanceConfig") != ""
	switch {
	case auths && issuance:
		f.add("managed.issuanceConfig", "Either issuanceConfig or dnsAuthorizations can be set, not both.")
	case !auths && !issuance && firstNonEmpty(in.str("location"), "global") != "global":
		f.add("managed.dnsAuthorizations", "A regional Google-managed certificate needs dnsAuthorizations (or an issuanceConfig): load balancer authorization is only available for global certificates.")
	case !auths && !issuance:
		for i, d := range domains {
			if strings.HasPrefix(d, "*.") {
				f.add(fmt.Sprintf("managed.domains[%d]", i), "The wildcard domain %q needs a DNS authorization: load balancer authorization does not support wildcards.", d)
			}
		}
	}
}

// applyCMCertificate resolves a managed certificate's DNS authorizations: each exists in the
// certificate's project and location and is held by it, and together they cover every domain,
// a wildcard by its parent's (CM-AUTH-COVERS); then the managed state (CM-PROVISIONING).
func applyCMCertificate(o *op) error {
	m := o.in.sub("managed")
	if m == nil {
		return nil
	}
	authorized := map[string]bool{}
	var ids []any
	for i, a := range m.strs("dnsAuthorizations") {
		field := fmt.Sprintf("managed.dnsAuthorizations[%d]", i)
		auth, err := o.resolve(field, a, "dnsAuthorizations", true)
		if err != nil {
			return err
		}
		if auth.Region != o.rec.Region {
			return errInvalidField(field, a, fmt.Sprintf("The DNS authorization is in location '%s'; a certificate in '%s' needs authorizations of its own location.", auth.Region, o.rec.Region))
		}
		o.use(auth)
		authorized[auth.out().str("domain")] = true
		ids = append(ids, auth.ID)
	}
	if len(ids) > 0 {
		for i, d := range m.strs("domains") {
			if !authorized[strings.TrimPrefix(d, "*.")] {
				return errInvalidField(fmt.Sprintf("managed.domains[%d]", i), d, fmt.Sprintf("No DNS authorization of the certificate covers the domain '%s': each domain needs one, a wildcard the one of its parent domain.", d))
			}
		}
		o.out().sub("managed")["dnsAuthorizations"] = ids
	}
	if err := o.linkIssuanceConfig(m); err != nil { // privateca.go
		return err
	}
	o.mirrorLabels()
	o.t.st.setManagedState(o.rec)
	return nil
}

// setManagedState computes a managed certificate's state (CM-PROVISIONING, an assumption of the
// simulator's timing): ACTIVE once the CNAME record of every DNS authorization it uses is
// published in a public Cloud DNS zone the simulator holds, PROVISIONING (its domains
// AUTHORIZING, naming the missing record) until then. A certificate with load balancer
// authorization or an issuance config is ACTIVE.
func (st *State) setManagedState(r *Record) {
	m := r.out().sub("managed")
	if m == nil {
		return
	}
	if m.str("issuanceConfig") != "" {
		st.setIssuedState(r) // privateca.go
		return
	}
	missing := map[string]string{} // authorized domain -> the record to publish
	for _, id := range m.strs("dnsAuthorizations") {
		auth := st.lookup(normalizeID(id))
		if auth == nil {
			continue
		}
		for _, rr := range auth.out().objs("dnsResourceRecords") {
			if !st.published(rr.str("name"), rr.str("type"), rr.str("data")) {
				missing[auth.out().str("domain")] = fmt.Sprintf("%s %s %s", rr.str("name"), rr.str("type"), rr.str("data"))
			}
		}
	}
	state := CertActive
	var attempts []any
	for _, d := range m.strs("domains") {
		info := map[string]any{"domain": d, "state": "AUTHORIZED"}
		if rec, ok := missing[strings.TrimPrefix(d, "*.")]; ok {
			state = CertProvisioning
			info["state"] = "AUTHORIZING"
			info["details"] = "Waiting for the DNS authorization record " + rec + " to be published in the domain's public DNS."
		}
		attempts = append(attempts, info)
	}
	m["state"] = state
	m["authorizationAttemptInfos"] = attempts
	r.out()["sanDnsnames"] = []any{}
	if state == CertActive {
		r.out()["sanDnsnames"] = anyStrings(m.strs("domains"))
	}
}

// published reports whether a public Cloud DNS zone of the simulator holds the record.
func (st *State) published(name, typ, data string) bool {
	for _, rs := range st.byType(recordSetToken) {
		if rs.out().str("name") != name || rs.out().str("type") != typ {
			continue
		}
		zone := st.lookup(strings.SplitN(rs.ID, "/rrsets/", 2)[0])
		if zone == nil || zone.out().str("visibility") == "private" {
			continue
		}
		if slices.ContainsFunc(rs.out().strs("rrdatas"), func(d string) bool {
			return strings.TrimSuffix(d, ".") == strings.TrimSuffix(data, ".")
		}) {
			return true
		}
	}
	return false
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// useCMCertificates resolves a regional HTTPS proxy's Certificate Manager certificates
// (PROXY-CERTS): each exists, in the proxy's region, and is held by the proxy.
func (o *op) useCMCertificates() error {
	for i, c := range o.in.strs("certificateManagerCertificates") {
		field := fmt.Sprintf("certificateManagerCertificates[%d]", i)
		if o.rec.Region != "" && !strings.Contains(c, "locations/"+o.rec.Region+"/") {
			return errInvalidField(field, c, fmt.Sprintf("A regional target HTTPS proxy needs Certificate Manager certificates of its region '%s'.", o.rec.Region))
		}
		r, ok := parseRef(c, ref{Project: o.rec.Project, Region: firstNonEmpty(o.rec.Region, "global"), Collection: "certificates"})
		if !ok || r.Collection != "certificates" {
			return errInvalidField(field, c, "The URL is malformed or does not reference a certificates.")
		}
		cert, err := o.t.lookup(r)
		if err != nil {
			return err
		}
		o.use(cert)
	}
	return nil
}
