// The producer side of the cloudrun-psc example, written against the generated TypeScript SDK:
// a VPC, then one ProducerService that creates the Cloud Run service, the internal load
// balancer, its subnets and the PSC service attachment. The same program as
// examples/go/programs/producer.go.
//
// Configuration (all optional): image, hostname, consumerProjects (consumer project ids to
// accept), consumerStacks (consumer stack names whose consumerProject output is accepted), plus
// gcp:project and gcp:region.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

export function producer(): Record<string, pulumi.Output<unknown>> {
    const config = new pulumi.Config();
    const image = config.get("image") ?? "us-docker.pkg.dev/cloudrun/container/hello";
    const hostname = config.get("hostname") ?? "payment-api.internal";
    const consumerProjects = config.getObject<string[]>("consumerProjects") ?? [];
    const consumerStacks = config.getObject<string[]>("consumerStacks") ?? [];

    const vpc = new gcp.compute.Network("producer-vpc", { autoCreateSubnetworks: false });

    const svc = new cloudrunpsc.ProducerService("payments", {
        network: vpc.selfLink,
        cloudRun: { image },
        hostname,
        loadBalancerSubnet: { ipCidrRange: "10.10.0.0/24" },
        proxyOnlySubnet: { ipCidrRange: "10.129.0.0/23" },
        natSubnet: { ipCidrRange: "10.20.0.0/24" },
        consumers: consumerProjects.map((projectIdOrNum) => ({ projectIdOrNum })),
        consumerStacks: consumerStacks.map((stack) => ({ stack })),
    });

    return {
        serviceAttachmentUri: svc.serviceAttachmentUri,
        loadBalancerIp: svc.loadBalancerIp,
        hostname: svc.hostname,
        protocol: svc.protocol,
        natCapacity: svc.natCapacity,
        cloudRunServiceName: svc.cloudRunServiceName,
        region: svc.region,
        project: svc.project,
    };
}
