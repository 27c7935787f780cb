package differential

import (
	"context"
	"sort"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/doctor"
	"github.com/cloudrun-psc/pulumi-cloudrun-psc/sim/gcpsim"
)

// sides is what doctor reads of a configuration: the state stored in the simulator, each record
// read back through the provider as `pulumi refresh` reads it (type token, ID, outputs), the
// producer's project as the producer stack and the consumer's as the consumer stack.
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
			Outputs: resource.ToResourcePropertyMap(resp.Properties).Mappable(), Gone: resp.ID == ""}
		if r.Gone {
			r.ID = rec.ID
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
	return producer, consumer
}
