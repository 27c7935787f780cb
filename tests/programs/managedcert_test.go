package programs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/harness"
	gonative "github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/programs/go"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/tests/secure"
)

// The managed-certificate program (python/managedcert.py through the
// generated SDK and the provider plugin, gonative.ManagedCert natively): tls.managed on a public
// hostname, then the DNS authorization record published in the program's public zone.
var managedCertLangs = pick(langs("managedcert", nil, gonative.ManagedCert), "python", "go")

const (
	tCMCert  = chain.CertificateManagerCertificateType
	tDNSAuth = chain.DnsAuthorizationType
	tHTTPS   = chain.RegionTargetHttpsProxyType
)

func TestManagedCertificate(t *testing.T) {
	run(t, managedCertLangs, func(t *testing.T, env *harness.Env, l lang) {
		st := l.new(env, "managedcert")
		configure(st, map[string]string{"publishRecords": "false"})
		up := st.Up()
		cert := assertManagedCertRecords(t, env, up.OutputString(t, "managedCertificate"))
		name, typ, data := up.OutputString(t, "recordName"), up.OutputString(t, "recordType"), up.OutputString(t, "recordData")
		if !strings.HasSuffix(name, ".payments.example.com.") || typ != "CNAME" || !strings.HasSuffix(data, ".authorize.certificatemanager.goog.") {
			t.Errorf("the DNS authorization record output is %s %s %s, want a CNAME under payments.example.com.", name, typ, data)
		}
		// Until the record is published the certificate is PROVISIONING and serves nothing.
		if s := chainOf(t, env); s.Intact || s.Link != gcpsim.LinkCertificate || !strings.Contains(s.Reason, "PROVISIONING") {
			t.Errorf("before the record is published the chain is %+v, want broken at the PROVISIONING certificate", s)
		}
		if state := managedState(cert.Outputs); state != gcpsim.CertProvisioning {
			t.Errorf("the certificate's state is %q, want PROVISIONING", state)
		}
		converged(t, st)

		// Publishing the record adds only the record set; the certificate turns ACTIVE (a refresh
		// reads it) and the chain serves.
		st.SetConfig("publishRecords", "true", false)
		p := st.Preview()
		if n := p.Count(harness.OpCreate, ""); n != 1 || p.Count(harness.OpReplace, "")+p.Count(harness.OpUpdate, "") > 0 {
			t.Errorf("publishing the record plans %d creates, %d replaces, %d updates; want only the record set",
				n, p.Count(harness.OpReplace, ""), p.Count(harness.OpUpdate, ""))
		}
		st.Up()
		if s := chainOf(t, env); !s.Intact {
			t.Errorf("with the record published the chain is %+v, want intact", s)
		}
		st.Refresh()
		if certs := find(st.Export(), tCMCert); len(certs) != 1 || managedState(certs[0].Outputs) != gcpsim.CertActive {
			t.Errorf("after the record and a refresh the stack holds the certificate as %v, want it ACTIVE", certs)
		}
		converged(t, st)
		// The components pass the pack; the program's own public zone, where Google looks for
		// the authorization record, is what dns-zone-private refuses.
		secure.AssertPolicyExcept(t, env, map[string]string{"example-com": "dns-zone-private"}, st)
		destroyed(t, env, st)
	})
}

// assertManagedCertRecords checks the authorization and the certificate the component created,
// in the producer's project and region, and that the HTTPS proxy serves the certificate; it
// returns the certificate's record.
func assertManagedCertRecords(t *testing.T, env *harness.Env, certID string) *gcpsim.Record {
	t.Helper()
	one := func(typ string) *gcpsim.Record {
		rs := simRecords(t, env, typ)
		if len(rs) != 1 {
			t.Fatalf("the simulator holds %d %s, want 1", len(rs), typ)
		}
		return rs[0]
	}
	auth, cert, proxy := one(tDNSAuth), one(tCMCert), one(tHTTPS)
	for _, r := range []*gcpsim.Record{auth, cert, proxy} {
		if r.Project != producerProject || r.Region != region {
			t.Errorf("%s is in %s/%s, want the producer's %s/%s", r.ID, r.Project, r.Region, producerProject, region)
		}
	}
	if auth.Outputs["domain"] != "payments.example.com" || auth.Outputs["type"] != "PER_PROJECT_RECORD" {
		t.Errorf("the DNS authorization is for %v of type %v, want payments.example.com, PER_PROJECT_RECORD", auth.Outputs["domain"], auth.Outputs["type"])
	}
	managed, _ := cert.Outputs["managed"].(map[string]any)
	if fmt.Sprint(managed["domains"]) != "[payments.example.com]" || fmt.Sprint(managed["dnsAuthorizations"]) != "["+auth.ID+"]" {
		t.Errorf("the certificate's managed block is %v, want the hostname authorized by %s", managed, auth.ID)
	}
	if certID != cert.ID {
		t.Errorf("managedCertificate output %q, want the certificate %s", certID, cert.ID)
	}
	if got := fmt.Sprint(proxy.Outputs["certificateManagerCertificates"]); got != "["+cert.ID+"]" || proxy.Outputs["sslCertificates"] != nil {
		t.Errorf("the HTTPS proxy's certificateManagerCertificates = %s (sslCertificates %v), want [%s]", got, proxy.Outputs["sslCertificates"], cert.ID)
	}
	return cert
}

// managedState is the managed.state of a managed certificate's outputs.
func managedState(outputs map[string]any) string {
	managed, _ := outputs["managed"].(map[string]any)
	s, _ := managed["state"].(string)
	return s
}

// chainOf evaluates the one endpoint's serving chain in the simulator now.
func chainOf(t *testing.T, env *harness.Env) gcpsim.ChainSample {
	t.Helper()
	st := env.For(t).SimSnapshot()
	samples := st.EvaluateChains(time.Now())
	if len(samples) != 1 {
		t.Fatalf("%d endpoint chains, want 1", len(samples))
	}
	return samples[0]
}
