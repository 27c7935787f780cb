package gcpsim

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Certificate Authority Service pools and CAs, and the Certificate Manager issuance configs that
// have Google-managed certificates issued by them. The rules carry their docs/gcp-rules.md IDs
// (CAS-*, CM-ISSUANCE-*).
const (
	caPoolToken         = "gcp:certificateauthority/caPool:CaPool"
	caToken             = "gcp:certificateauthority/authority:Authority"
	issuanceConfigToken = "gcp:certificatemanager/certificateIssuanceConfig:CertificateIssuanceConfig"
)

// issuedVariant is the latency table's variant of a certificate issued through an issuance config.
const issuedVariant = "ISSUANCE_CONFIG"

// The CA states the simulator reports (CAS-CA-STATE).
const (
	caEnabled = "ENABLED"
	caStaged  = "STAGED"
)

var _ = register(&kind{
	token:      caPoolToken,
	collection: "caPools",
	noun:       "ca_pool",
	scope:      scopeLocation,
	autoName:   true,
	required:   []string{"location", "tier"},
	enums: map[string][]string{"tier": {"ENTERPRISE", "DEVOPS"},
		"issuancePolicy.allowedKeyTypes[].ellipticCurve.signatureAlgorithm": {"ECDSA_P256", "ECDSA_P384", "EDDSA_25519"},
		"publishingOptions.encodingFormat":                                  {"PEM", "DER"}},
	forceNew: []string{"name", "project", "location", "tier"},
	computed: []string{"effectiveLabels", "pulumiLabels"},
	secrets:  labelSecrets,
	apiCheck: checkLabels,
	apply: func(o *op) error {
		o.mirrorLabels()
		return nil
	},
})

var _ = register(&kind{
	token:      caToken,
	collection: "certificateAuthorities",
	noun:       "certificate_authority",
	scope:      scopeCustom,
	required:   []string{"certificateAuthorityId", "config", "keySpec", "location", "pool"},
	enums: map[string][]string{"type": {"SELF_SIGNED", "SUBORDINATE"},
		"keySpec.algorithm": {"SIGN_HASH_ALGORITHM_UNSPECIFIED", "RSA_PSS_2048_SHA256", "RSA_PSS_3072_SHA256",
			"RSA_PSS_4096_SHA256", "RSA_PKCS1_2048_SHA256", "RSA_PKCS1_3072_SHA256", "RSA_PKCS1_4096_SHA256",
			"EC_P256_SHA256", "EC_P384_SHA384"}},
	exactlyOneOf: [][]string{{"keySpec.algorithm", "keySpec.cloudKmsKeyVersion"}},
	forceNew: []string{"certificateAuthorityId", "config", "keySpec", "location", "pool", "project", "lifetime",
		"type", "gcsBucket"},
	defaults: map[string]any{"type": "SELF_SIGNED", "lifetime": "315360000s", "ignoreActiveCertificatesOnDeletion": false,
		"skipGracePeriod": false, "deletionProtection": true},
	computed: []string{"name", "pemCaCertificates", "state", "effectiveLabels", "pulumiLabels"},
	secrets:  labelSecrets,
	apiCheck: checkCertificateAuthority,
	id: func(o *op) (string, error) {
		return fmt.Sprintf("projects/%s/locations/%s/caPools/%s/certificateAuthorities/%s", o.rec.Project,
			o.in.str("location"), o.in.str("pool"), o.in.str("certificateAuthorityId")), nil
	},
	apply:     applyCertificateAuthority,
	canDelete: caDeletionProtection,
})

// checkCertificateAuthority is what the simulator takes of a CA: a self-signed root (a
// subordinate one must be activated by its issuer, which the simulator does not emulate), created
// ENABLED or STAGED (CAS-CA-STATE, TPG:privateca/resource_privateca_certificate_authority.go:44).
func checkCertificateAuthority(in obj, f *failures) {
	checkLabels(in, f)
	if t := in.str("type"); t == "SUBORDINATE" {
		f.add("type", "gcpsim: subordinate CAs are not emulated; create a SELF_SIGNED root CA.")
	}
	if s := in.str("desiredState"); s != "" && s != caEnabled && s != caStaged {
		f.add("desiredState", "`desired_state` can only be set to `STAGED` or `ENABLED` when creating a new CA")
	}
	if strings.Contains(in.str("pool"), "/") {
		f.add("pool", "The pool is the CaPool's name (its last path segment), not a path.")
	}
}

// applyCertificateAuthority places the CA in its pool, which must exist in the CA's project and
// location (CAS-CA-POOL), sets its state (ENABLED unless created STAGED, CAS-CA-STATE) and its
// self-signed certificate, the chain a self-signed CA reports (CAS-CA-CHAIN).
func applyCertificateAuthority(o *op) error {
	poolRef := ref{Project: o.rec.Project, Region: o.in.str("location"), Collection: "caPools", Name: o.in.str("pool")}
	pool, err := o.t.lookup(poolRef)
	if err != nil {
		return err
	}
	o.use(pool)
	o.rec.Region = o.in.str("location")
	o.out()["name"] = fmt.Sprintf("projects/%s/locations/%s/certificateAuthorities/%s", o.rec.Project, o.rec.Region, o.in.str("certificateAuthorityId"))
	state := caEnabled
	if o.in.str("desiredState") == caStaged {
		state = caStaged
	}
	o.out()["state"] = state
	var subject pkix.Name
	if s := o.in.sub("config").sub("subjectConfig").sub("subject"); s != nil {
		subject.CommonName = s.str("commonName")
		if org := s.str("organization"); org != "" {
			subject.Organization = []string{org}
		}
	}
	lifetime := durationSeconds(o.in.str("lifetime"), 315360000*time.Second)
	var pemErr error
	o.keep("pemCaCertificates", func() any {
		der, err := caCertificate(o.rec.ID, subject, o.t.st.now, lifetime)
		if err != nil {
			pemErr = err
			return nil
		}
		return []any{string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
	})
	o.mirrorLabels()
	return pemErr
}

// caDeletionProtection is the provider's refusal to delete a protected CA
// (TPG:privateca/resource_privateca_certificate_authority.go:1325, deletion_protection is true when unset).
func caDeletionProtection(_ *tx, r *Record) error {
	if protected, ok := r.out().boolean("deletionProtection"); !ok || protected {
		return fmt.Errorf("cannot destroy CertificateAuthority without setting deletion_protection=false and running `pulumi up` (%s)", r.ID)
	}
	return nil
}

// caKey is the signing key of a CA the simulator created: derived from its ID, so that it never
// needs storing, and Ed25519 whatever keySpec asks (the simulated client checks names, validity
// and the chain, not the algorithm).
func caKey(caID string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("gcpsim certificate authority " + caID))
	return ed25519.NewKeyFromSeed(seed[:])
}

// serial is a positive serial number derived from s.
func serial(s string) *big.Int {
	sum := sha256.Sum256([]byte(s))
	return new(big.Int).SetBytes(sum[:16])
}

// caCertificate is the self-signed certificate of a root CA.
func caCertificate(caID string, subject pkix.Name, now time.Time, lifetime time.Duration) ([]byte, error) {
	key := caKey(caID)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(caID + now.String()),
		Subject:               subject,
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(lifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	return x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
}

// durationSeconds parses a "Ns" duration, or returns def.
func durationSeconds(s string, def time.Duration) time.Duration {
	n, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	if err != nil || !strings.HasSuffix(s, "s") {
		return def
	}
	return time.Duration(n * float64(time.Second))
}

var _ = register(&kind{
	token:      issuanceConfigToken,
	collection: "certificateIssuanceConfigs",
	noun:       "certificate_issuance_config",
	scope:      scopeLocation,
	autoName:   true,
	nameRule:   certManagerName,
	required: []string{"certificateAuthorityConfig", "keyAlgorithm", "lifetime", "rotationWindowPercentage",
		"certificateAuthorityConfig.certificateAuthorityServiceConfig.caPool"},
	enums: map[string][]string{"keyAlgorithm": {"RSA_2048", "ECDSA_P256"}},
	forceNew: []string{"certificateAuthorityConfig", "keyAlgorithm", "lifetime", "name", "rotationWindowPercentage",
		"description", "location", "project"},
	defaults: map[string]any{"location": "global"},
	suppress: map[string]string{"certificateAuthorityConfig.certificateAuthorityServiceConfig.caPool": suppressResourceNames},
	computed: []string{"createTime", "updateTime", "effectiveLabels", "pulumiLabels"},
	secrets:  labelSecrets,
	apiCheck: checkIssuanceConfig,
	apply:    applyIssuanceConfig,
})

// checkIssuanceConfig is what the API refuses in an issuance config's request (CM-ISSUANCE-FIELDS):
// a lifetime of 21 to 30 days, and a rotation window of 1 to 99 percent that renews at least 7
// days after issuance and 7 days before expiry.
func checkIssuanceConfig(in obj, f *failures) {
	checkLabels(in, f)
	lifetime := durationSeconds(in.str("lifetime"), -1)
	if in.known("lifetime") && (lifetime < 1814400*time.Second || lifetime > 2592000*time.Second) {
		f.add("lifetime", "The lifetime %q must be a duration in seconds from 1814400s (21 days) to 2592000s (30 days).", in.str("lifetime"))
		return
	}
	pct, ok := in.num("rotationWindowPercentage")
	if !ok {
		return
	}
	renewAt := time.Duration(float64(lifetime) * pct / 100)
	week := 7 * 24 * time.Hour
	switch {
	case pct < 1 || pct > 99:
		f.add("rotationWindowPercentage", "The rotation window percentage must be between 1 and 99, got %v.", pct)
	case renewAt < week || lifetime-renewAt < week:
		f.add("rotationWindowPercentage", "A rotation window of %v%% of %s renews %s after issuance: renewal must come at least 7 days after issuance and at least 7 days before expiry.", pct, in.str("lifetime"), renewAt)
	}
}

// applyIssuanceConfig resolves the CA pool, which must exist and is held by the config: a pool is
// not deleted while an issuance config references it (CM-ISSUANCE-POOL).
func applyIssuanceConfig(o *op) error {
	field := "certificateAuthorityConfig.certificateAuthorityServiceConfig.caPool"
	value := o.in.sub("certificateAuthorityConfig").sub("certificateAuthorityServiceConfig").str("caPool")
	r, ok := parseRef(value, ref{Project: o.rec.Project, Collection: "caPools"})
	if !ok || r.Collection != "caPools" || r.Region == "" {
		return errInvalidField(field, value, "The CA pool must be projects/{project}/locations/{location}/caPools/{caPool}.")
	}
	pool, err := o.t.lookup(r)
	if err != nil {
		return err
	}
	o.use(pool)
	o.keep("createTime", func() any { return o.timestamp() })
	o.out()["updateTime"] = o.timestamp()
	o.mirrorLabels()
	return nil
}

// linkIssuanceConfig resolves a managed certificate's issuance config, which must exist in the
// certificate's project (CM-ISSUANCE-CONFIG), and records the reference.
func (o *op) linkIssuanceConfig(m obj) error {
	value := m.str("issuanceConfig")
	if value == "" {
		return nil
	}
	r, ok := parseRef(value, ref{Project: o.rec.Project, Region: o.rec.Region, Collection: "certificateIssuanceConfigs"})
	if !ok || r.Collection != "certificateIssuanceConfigs" {
		return errInvalidField("managed.issuanceConfig", value, "The issuance config must be projects/*/locations/*/certificateIssuanceConfigs/*.")
	}
	config, err := o.t.lookup(r)
	if err != nil {
		return err
	}
	o.link(config.ID)
	o.out().sub("managed")["issuanceConfig"] = config.ID
	return nil
}

// enabledCA returns the first ENABLED CA of a pool, nil when it has none.
func (st *State) enabledCA(poolID string) *Record {
	for _, ca := range st.byType(caToken) {
		if strings.HasPrefix(ca.ID, poolID+"/certificateAuthorities/") && ca.out().str("state") == caEnabled {
			return ca
		}
	}
	return nil
}

// issuer returns the enabled CA that issues a managed certificate through its issuance config,
// or why there is none: Certificate Manager issues from an enabled CA of the config's pool
// (CM-ISSUANCE-CA) once its service agent may request certificates from the pool
// (CM-ISSUANCE-IAM), and the certificate stays PROVISIONING until then.
func (st *State) issuer(cert *Record) (*Record, *Record, string) {
	value := cert.out().sub("managed").str("issuanceConfig")
	config := st.lookup(normalizeID(value))
	if config == nil {
		return nil, nil, "the issuance config " + value + " does not exist"
	}
	pool := config.out().sub("certificateAuthorityConfig").sub("certificateAuthorityServiceConfig").str("caPool")
	ca := st.enabledCA(normalizeID(pool))
	if ca == nil {
		return nil, nil, "the CA pool " + pool + " has no enabled certificate authority"
	}
	if !st.requesterGranted(normalizeID(pool), cert.Project) { // privateca_iam.go
		return nil, nil, "Certificate Manager's service agent " + strings.TrimPrefix(certManagerAgent(cert.Project), "serviceAccount:") +
			" lacks roles/privateca.certificateRequester on the CA pool " + pool
	}
	return ca, config, ""
}

// setIssuedState is setManagedState for a certificate with an issuance config: ACTIVE, naming its
// domains, while its pool has an enabled CA; PROVISIONING, with the reason, otherwise.
func (st *State) setIssuedState(r *Record) {
	m := r.out().sub("managed")
	_, _, why := st.issuer(r)
	r.out()["sanDnsnames"] = []any{}
	if why != "" {
		m["state"] = CertProvisioning
		m["provisioningIssue"] = []any{map[string]any{"reason": "AUTHORIZATION_ISSUE", "details": why}}
		return
	}
	m["state"] = CertActive
	r.out()["sanDnsnames"] = anyStrings(m.strs("domains"))
}

// issuedChain is the certificate an ACTIVE managed certificate with an issuance config serves:
// a leaf for its domains signed by the pool's enabled CA, valid for the config's lifetime from its
// last renewal. Google renews it after rotationWindowPercentage of the lifetime
// (CM-ISSUANCE-FIELDS), so the leaf served at now is the one of the current rotation window.
func (st *State) issuedChain(cert *Record, now time.Time) ([]*x509.Certificate, error) {
	ca, config, why := st.issuer(cert)
	if why != "" {
		return nil, fmt.Errorf("%s", why)
	}
	caCerts, err := parsePEMCertificates(strings.Join(ca.out().strs("pemCaCertificates"), ""))
	if err != nil || len(caCerts) == 0 {
		return nil, fmt.Errorf("the CA %s has no certificate", ca.ID)
	}
	lifetime := durationSeconds(config.out().str("lifetime"), 30*24*time.Hour)
	pct, _ := config.out().num("rotationWindowPercentage")
	window := time.Duration(float64(lifetime) * pct / 100)
	issued := cert.CreatedAt
	if window > 0 && now.After(issued) {
		issued = issued.Add(now.Sub(issued) / window * window)
	}
	domains := cert.out().sub("managed").strs("domains")
	key := caKey(ca.ID)
	leafKey := ed25519.NewKeyFromSeed(func() []byte { s := sha256.Sum256([]byte("gcpsim leaf " + cert.ID)); return s[:] }())
	tmpl := &x509.Certificate{
		SerialNumber: serial(cert.ID + issued.String()),
		Subject:      pkix.Name{CommonName: firstNonEmpty(domains...)},
		DNSNames:     domains,
		NotBefore:    issued.Add(-time.Minute),
		NotAfter:     issued.Add(lifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(nil, tmpl, caCerts[0], leafKey.Public(), key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return []*x509.Certificate{leaf}, nil
}
