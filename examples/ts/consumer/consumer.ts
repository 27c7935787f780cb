// The consumer side of the cloudrun-psc example, written against the generated TypeScript SDK:
// a VPC and subnet, a ConsumerEndpoint that connects to the producer's service attachment, and a
// DnsBinding that names it. The same program as examples/go/programs/consumer.go.
//
// Configuration: exactly one of producerStack (the producer's stack name, read through a
// StackReference) and serviceAttachment (the attachment URI as a plain string); optionally
// hostname and protocol (HTTP or HTTPS, as the producer serves), plus gcp:project and gcp:region.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

export function consumer(): Record<string, pulumi.Output<unknown>> {
    const config = new pulumi.Config();
    const hostname = config.get("hostname") ?? "payment-api.internal";
    const protocol = config.get("protocol") ?? "HTTP";
    const region = new pulumi.Config("gcp").require("region");

    const vpc = new gcp.compute.Network("consumer-vpc", { autoCreateSubnetworks: false });
    const apps = new gcp.compute.Subnetwork("apps", {
        network: vpc.selfLink,
        region,
        ipCidrRange: "192.168.10.0/24",
    });

    const endpoint = new cloudrunpsc.ConsumerEndpoint("payments", {
        network: vpc.selfLink,
        subnetwork: apps.selfLink,
        producerStack: config.get("producerStack"),
        serviceAttachment: config.get("serviceAttachment"),
        noAutomateDnsZone: true,
    });

    const name = new cloudrunpsc.DnsBinding("payments-dns", {
        hostname,
        ipAddress: endpoint.ipAddress,
        networks: [vpc.selfLink],
        protocol,
    });

    return {
        ipAddress: endpoint.ipAddress,
        pscConnectionStatus: endpoint.pscConnectionStatus,
        consumerProject: endpoint.consumerProject,
        consumerNetwork: endpoint.consumerNetwork,
        serviceAttachmentUri: endpoint.serviceAttachmentUri,
        url: name.url,
    };
}
