// Package doctor explains why a Private Service Connect path built by cloudrun-psc does or does
// not serve: it walks the chain a request crosses, link by link, over the resources of a producer
// stack, a consumer stack or both, as the engine reads them from the cloud, and says for each link
// whether it is ok or broken, why, and what to do.
//
// It reads through the Pulumi engine (a refresh preview, `pulumi refresh --preview-only`): the provider reads
// every resource from the cloud, nothing is written to the stack, and the same holds against
// Google Cloud and against a simulator. It knows the chain from the components it diagnoses, not
// from any simulator.
package doctor

import (
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// Resource is one resource of a stack as the refresh read it.
type Resource struct {
	URN     string
	Type    string
	ID      string
	Custom  bool
	Outputs map[string]any
	// Parent is the URN of the resource's parent ("" for the stack's own resources).
	Parent string
	// Gone is set when the refresh found the resource deleted from the cloud.
	Gone bool
}

// Name is the resource's Pulumi name (the last part of its URN).
func (r *Resource) Name() string {
	if i := strings.LastIndex(r.URN, "::"); i >= 0 {
		return r.URN[i+2:]
	}
	return r.URN
}

// Side is what doctor read of one stack: its resources as refreshed.
type Side struct {
	Stack     string
	Resources []*Resource
}

// ofType returns the live resources of one type token, in stack order.
func (s *Side) ofType(token string) []*Resource {
	if s == nil {
		return nil
	}
	var out []*Resource
	for _, r := range s.Resources {
		if r.Type == token {
			out = append(out, r)
		}
	}
	return out
}

// find resolves a reference (self link, relative path or ID) to a resource of the side, of the
// type token or, for a link of the load balancer, of its cross-region counterpart
// (chain.Variants: the reference says which); a resource the refresh found gone is returned too,
// with Gone set.
func (s *Side) find(token, ref string) *Resource {
	if s == nil || ref == "" {
		return nil
	}
	want := chain.RelativeName(ref)
	for _, t := range chain.Variants(token) {
		for _, r := range s.ofType(t) {
			if chain.RelativeName(r.ID) == want || chain.RelativeName(str(r.Outputs, "selfLink")) == want {
				return r
			}
		}
	}
	return nil
}

// regionOf is a resource's region: its region output (a name or a self link), else its
// reference's, else, for a global forwarding rule of the cross-region load balancer, its
// subnetwork's.
func regionOf(r *Resource) string {
	if reg := str(r.Outputs, "region"); reg != "" {
		return chain.NameOf(reg)
	}
	if reg := chain.RegionOf(r.ID); reg != "" {
		return reg
	}
	return chain.RegionOf(str(r.Outputs, "subnetwork"))
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func strs(m map[string]any, k string) []string {
	list, _ := m[k].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func objs(m map[string]any, k string) []map[string]any {
	list, _ := m[k].([]any)
	var out []map[string]any
	for _, v := range list {
		if o, ok := v.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func sub(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

func num(m map[string]any, k string) (float64, bool) {
	switch v := m[k].(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

func boolean(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// covers reports whether the range cidr holds the address ip.
func covers(cidr, ip string) bool {
	p, err := netip.ParsePrefix(cidr)
	a, err2 := netip.ParseAddr(ip)
	return err == nil && err2 == nil && p.Contains(a)
}
