package differential

import (
	"context"
	"sort"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// sides is what doctor reads of a configuration: the state stored in the simulator, each record
// read back through the provider as `pulumi refresh` reads it (type token, ID, outputs, a
// secret as the engine's events show it: "[secret]"), the producer's project as the producer
// stack and the consumer's as the consumer stack. The producer stack holds the ProducerService
// that made the load balancer's certificate, and its outputs doctor reads (component).
func (b *baseline) sides(t *testing.T, st *gcpsim.State) (producer, consumer *doctor.Side) {
	t.Helper()
	if err := b.sim.Store().Update(func(cur *gcpsim.State) error {
		cur.Resources, cur.Counters, cur.Sequence = st.Resources, st.Counters, st.Sequence
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	producer, consumer = &doctor.Side{Stack: "org/producer/dev"}, &doctor.Side{Stack: "org/consumer/dev"}
	ids := make([]string, 0, len(st.Resources))
	for id := range st.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rec := st.Resources[id]
		resp, err := b.sim.Read(context.Background(), p.ReadRequest{ID: rec.ID, Urn: urn(rec.Type, rec.Name)})
		if err != nil {
			t.Fatalf("Read %s: %v", rec.ID, err)
		}
		r := &doctor.Resource{URN: string(urn(rec.Type, rec.Name)), Type: rec.Type, ID: resp.ID, Custom: true,
			Outputs: plain(property.New(resp.Properties)).(map[string]any), Gone: resp.ID == ""}
		if r.Gone {
			r.ID = rec.ID
		}
		if id == b.componentCert(st) {
			r.URN = string(resource.NewURN("dev", "differential", chain.ProducerServiceType, tokens.Type(rec.Type), "api-cert"))
		}
		switch rec.Project {
		case producerProject:
			producer.Resources = append(producer.Resources, r)
		case consumerProject:
			consumer.Resources = append(consumer.Resources, r)
		default:
			t.Fatalf("record %s of project %s", rec.ID, rec.Project)
		}
	}
	producer.Resources = append(producer.Resources, b.component(st))
	return producer, consumer
}

// componentCert is the certificate the ProducerService made: the HTTPS proxy's first.
func (b *baseline) componentCert(st *gcpsim.State) string {
	certs, _ := st.Resources[b.ids["proxys"]].Outputs["sslCertificates"].([]any)
	if len(certs) == 0 {
		return ""
	}
	ref, _ := certs[0].(string)
	return chain.RelativeName(ref)
}

// component is the ProducerService "api" as its stack holds it: the outputs doctor reads
// (hostname, port, and certificatePem, the PEM it gave its certificate).
func (b *baseline) component(st *gcpsim.State) *doctor.Resource {
	out := map[string]any{"hostname": host, "port": 443.0}
	if cert := st.Resources[b.componentCert(st)]; cert != nil {
		out["certificatePem"] = cert.Outputs["certificate"]
	}
	out["clientTrustAnchorsPem"] = clientTrustAnchors(st) // mtls_test.go
	return &doctor.Resource{URN: string(urn(chain.ProducerServiceType, "api")), Type: chain.ProducerServiceType, Outputs: out}
}

// plain is a property value as the engine's events carry it: a secret as "[secret]", a
// computed value as null.
func plain(v property.Value) any {
	switch {
	case v.Secret():
		return "[secret]"
	case v.IsComputed() || v.IsNull():
		return nil
	case v.IsMap():
		out := map[string]any{}
		for k, x := range v.AsMap().All {
			out[k] = plain(x)
		}
		return out
	case v.IsArray():
		out := []any{}
		for _, x := range v.AsArray().All {
			out = append(out, plain(x))
		}
		return out
	case v.IsString():
		return v.AsString()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsBool():
		return v.AsBool()
	}
	return nil
}
