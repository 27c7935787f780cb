package psc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// validateConsumers checks the accept and reject lists: one kind of entry, valid values, limits of
// at least one, nobody both accepted and rejected, and no lists with automatic acceptance.
func (a *ProducerServiceArgs) validateConsumers(p *problems) {
	if a.AcceptAllConsumers {
		if len(a.Consumers) > 0 || len(a.ConsumerStacks) > 0 || len(a.RejectedConsumers) > 0 {
			p.addf("acceptAllConsumers", "cannot be combined with consumers, consumerStacks or rejectedConsumers: Google Cloud rejects accept and reject lists with ACCEPT_AUTOMATIC")
		}
		return
	}
	kinds := map[string][]string{}
	accepted := map[string]string{}
	for i, c := range a.Consumers {
		path := fmt.Sprintf("consumers[%d]", i)
		switch {
		case given(c.ProjectIdOrNum) == given(c.NetworkUrl):
			p.addf(path, "give exactly one of projectIdOrNum and networkUrl")
			continue
		case given(c.ProjectIdOrNum):
			kinds["projectIdOrNum"] = append(kinds["projectIdOrNum"], path)
			if v, ok := knownString(c.ProjectIdOrNum); ok {
				p.add(path+".projectIdOrNum", checkProject(v))
				accepted[v] = path
			}
		default:
			kinds["networkUrl"] = append(kinds["networkUrl"], path)
			if v, ok := knownString(c.NetworkUrl); ok {
				p.add(path+".networkUrl", checkNetworkURL(v))
				accepted[trimComputePrefix(v)] = path
			}
		}
		checkConnectionLimit(p, path, c.ConnectionLimit)
	}
	for i, cs := range a.ConsumerStacks {
		path := fmt.Sprintf("consumerStacks[%d]", i)
		if cs.Stack == "" {
			p.addf(path+".stack", "is required")
		} else {
			p.add(path+".stack", checkStackName(cs.Stack))
		}
		if cs.Output == "" || strings.ContainsAny(cs.Output, " /") {
			p.addf(path+".output", "must be a stack output name such as consumerProject or consumerNetwork, got %q", cs.Output)
		}
		checkConnectionLimit(p, path, cs.ConnectionLimit)
		kind := "projectIdOrNum"
		if cs.byNetwork() {
			kind = "networkUrl"
		}
		kinds[kind] = append(kinds[kind], path)
	}
	if len(kinds) > 1 {
		p.addf("consumers", "all accept-list entries must be of one kind, projects or networks: projects at %s, networks at %s",
			strings.Join(kinds["projectIdOrNum"], ", "), strings.Join(kinds["networkUrl"], ", "))
	}
	for i, in := range a.RejectedConsumers {
		path := fmt.Sprintf("rejectedConsumers[%d]", i)
		r, ok := knownOrNil(in)
		if !ok {
			continue
		}
		p.add(path, checkRejected(r))
		if at, ok := accepted[trimComputePrefix(r)]; ok {
			p.addf(path, "%q is also accepted at %s; a rejected consumer stays rejected, remove it from one list", r, at)
		}
	}
	if dup := firstDuplicate(knownStrings(a.RejectedConsumers)); dup != "" {
		p.addf("rejectedConsumers", "lists %q twice", dup)
	}
	a.checkListSizes(p)
}

// checkListSizes holds the accept list (an entry per consumers and per consumerStacks entry) and
// the reject list to Google's limits (SA-LIST-SIZE), naming the input that passes them.
func (a *ProducerServiceArgs) checkListSizes(p *problems) {
	if n := len(a.Consumers) + len(a.ConsumerStacks); n > chain.AcceptListMax {
		path, with := "consumers", ""
		if len(a.Consumers) <= chain.AcceptListMax {
			path, with = "consumerStacks", fmt.Sprintf(" (%d from consumers, %d from consumerStacks)", len(a.Consumers), len(a.ConsumerStacks))
		}
		p.addf(path, "the accept list would hold %d entries%s; a service attachment's accept list holds at most %d: "+
			"publish the service to the others through a second ProducerService", n, with, chain.AcceptListMax)
	}
	if n := len(a.RejectedConsumers); n > chain.RejectListMax {
		p.addf("rejectedConsumers", "lists %d consumers; a service attachment's reject list holds at most %d", n, chain.RejectListMax)
	}
}

// checkRejected checks a rejected consumer: a network URL or a project.
func checkRejected(r string) error {
	if strings.Contains(r, "/") {
		return checkNetworkURL(r)
	}
	return checkProject(r)
}

// checkConnectionLimit checks an accept-list entry's limit (nil means the default).
func checkConnectionLimit(p *problems, path string, limit *int) {
	if limit != nil && *limit < 1 {
		p.addf(path+".connectionLimit", "must be at least 1, got %d", *limit)
	}
}

// checkStackConsumer checks, when it resolves, a consumer read from another stack.
func checkStackConsumer(v pulumi.StringOutput, input string, cs ConsumerStackArgs, rejected []string) pulumi.StringOutput {
	return v.ApplyT(func(s string) (string, error) {
		check := checkProject
		if cs.byNetwork() {
			check = checkNetworkURL
		}
		if err := check(s); err != nil {
			return "", fmt.Errorf("%s: output %q of stack %q %w", input, cs.Output, cs.Stack, hidden(err, s))
		}
		if slices.Contains(rejected, s) {
			return "", fmt.Errorf("%s: %q from stack %q is also in rejectedConsumers; remove it from one list", input, s, cs.Stack)
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// firstDuplicate returns the first value that appears twice, or "".
func firstDuplicate(values []string) string {
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}

// checkDomainNames checks the domainNames of a service attachment, the top-level ones or a
// region's: at most one, a DNS zone name ending with a dot (SA-DOMAIN-DOT, PSC-AUTO-DNS).
func checkDomainNames(p *problems, path string, domains []string) {
	if len(domains) > 1 {
		p.addf(path, "lists %d domains, but a service attachment takes at most one", len(domains))
	}
	for i, d := range domains {
		p.add(fmt.Sprintf("%s[%d]", path, i), checkDNSZoneName(d))
	}
}

// checkAttachmentName checks the explicit name of a service attachment, the top-level
// serviceAttachmentName or a region's.
func checkAttachmentName(p *problems, path, name string) {
	checkNameOverride(p, path, name, maxComputeName, "service attachment name")
}

// checkAttachmentNamesUnique checks that no two attachments of one region share a name: service
// attachments are regional resources, named uniquely in a project's region (GEN-NAME-UNIQUE,
// docs/gcp-rules.md). The regions' attachments are each in their own region; in the migration
// state the regional load balancer's shares the primary region with that region's.
func (a *ProducerServiceArgs) checkAttachmentNamesUnique(p *problems) {
	if !a.crossRegion() || !a.regionalChain() || a.ServiceAttachmentName == "" {
		return
	}
	if n := a.Regions[a.Region].ServiceAttachmentName; n == a.ServiceAttachmentName {
		p.addf(regionPath(a.Region)+".serviceAttachmentName", "is serviceAttachmentName too, the name of the regional load balancer's attachment, which is in the same region (%s) while the top-level subnets stand: service attachment names are unique in a project's region; give another name", a.Region)
	}
}
