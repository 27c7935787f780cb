package psc

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Private Service Connect's automatic DNS (docs/gcp-rules.md, PSC-AUTO-DNS): when the producer's
// service attachment has domainNames and a consumer's endpoint is registered in Service Directory
// (new endpoints are, in a namespace Google picks unless serviceDirectoryRegistrations names one),
// Google creates a Service Directory DNS zone for each domain in the consumer's VPC, with a record
// <endpoint name>.<domain> per endpoint, unless the endpoint sets noAutomateDnsZone. A DnsBinding
// for a name under one of those domains would then be a second owner of names Google already
// answers for: which of the two zones a client's query meets depends on zone specificity, not on
// intent. The ConsumerEndpoint publishes the domains it lets Google claim (automaticDnsDomains)
// and a DnsBinding given them refuses a hostname under any of them.

// domainNamesOutput is the stack output of a producer's domainNames, read by a ConsumerEndpoint
// with producerStack.
const domainNamesOutput = "domainNames"

// automaticDNSDomains is what a ConsumerEndpoint lets PSC's automatic DNS claim: the producer's
// domainNames, or none with noAutomateDnsZone.
func automaticDNSDomains(noAutomateDNSZone bool, producerDomains pulumi.StringArrayOutput) pulumi.StringArrayOutput {
	if noAutomateDNSZone {
		return pulumi.ToStringArray(nil).ToStringArrayOutput()
	}
	return producerDomains
}

// domainNamesByRegionOutput is the stack output mapping each region a producer serves to the
// domainNames of that region's attachment (serviceAttachmentUris' companion).
const domainNamesByRegionOutput = "domainNamesByRegion"

// stackDomainNames is the domainNames of the attachment the endpoint connects to, read from the
// producer's stack: the entry of the attachment's region in domainNamesByRegionOutput when the
// stack has that map, else its domainNames output; none when the stack has neither (a producer
// without domainNames, or one that does not export them), an error naming producerStack when
// what it has is not a list of strings. Only the region is read from uri.
func stackDomainNames(ref *pulumi.StackReference, stack string, uri pulumi.StringOutput) pulumi.StringArrayOutput {
	return pulumi.Unsecret(ref.Outputs).ApplyT(func(v any) pulumi.StringArrayOutput {
		outputs, _ := v.(map[string]any)
		if _, has := outputs[domainNamesByRegionOutput]; !has {
			return ref.GetOutput(pulumi.String(domainNamesOutput)).ApplyT(func(v any) ([]string, error) {
				return domainList(v, stack, fmt.Sprintf("%q", domainNamesOutput))
			}).(pulumi.StringArrayOutput)
		}
		return pulumi.All(ref.GetOutput(pulumi.String(domainNamesByRegionOutput)), pulumi.Unsecret(uri)).ApplyT(func(w []any) ([]string, error) {
			byRegion, ok := w[0].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("producerStack: stack %q output %q must be a map of region to DNS domains, got a %T", stack, domainNamesByRegionOutput, w[0])
			}
			attachment, _ := ParseServiceAttachmentURI(w[1].(string)) // checked before any child
			return domainList(byRegion[attachment.Region], stack, fmt.Sprintf("%q[%q]", domainNamesByRegionOutput, attachment.Region))
		}).(pulumi.StringArrayOutput)
	}).(pulumi.StringArrayOutput)
}

// domainList is v, the stack output output (its name as a message shows it), as a list of
// domains: none when v is nil.
func domainList(v any, stack, output string) ([]string, error) {
	if v == nil {
		return []string{}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("producerStack: stack %q output %s must be a list of DNS domains, got a %T", stack, output, v)
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("producerStack: stack %q output %s[%d] must be a DNS domain, got a %T", stack, output, i, e)
		}
		out = append(out, s)
	}
	return out, nil
}

// automaticDNSClaim returns the error for a DnsBinding hostname that PSC's automatic DNS already
// claims through one of domains, nil when none does.
func automaticDNSClaim(hostname string, domains []string) error {
	for i, d := range domains {
		zone := d
		if !strings.HasSuffix(zone, ".") {
			zone += "."
		}
		if inZone(hostname, zone) {
			return fmt.Errorf("%q is under %s, which Private Service Connect's automatic DNS claims in the consumer VPC "+
				"(automaticDnsDomains[%d]): call the endpoint by its automatic name <endpoint>.%s, or set noAutomateDnsZone "+
				"on the ConsumerEndpoint so that the DnsBinding alone owns the name", hostname, zone, i, zone)
		}
	}
	return nil
}

// checkedHostname is the DnsBinding's record name, failing when domains resolve (an Output,
// unknown at preview) and claim the hostname.
func checkedHostname(hostname string, domains pulumi.StringArrayInput) pulumi.StringInput {
	fqdn := hostname + "."
	if _, known := knownArray(domains); known {
		return pulumi.String(fqdn) // none, or checked at preview by validate
	}
	return domains.ToStringArrayOutput().ApplyT(func(ds []string) (string, error) {
		if err := automaticDNSClaim(hostname, ds); err != nil {
			return "", fmt.Errorf("hostname: %w", err)
		}
		return fqdn, nil
	}).(pulumi.StringOutput)
}
