// The benchmark graph (bench/spec) written with the cloudrun-psc TypeScript SDK: the components
// are constructed by the provider plugin. The twin of bench/components/go.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";
import * as spec from "../../spec/spec";

export function graph(): Record<string, pulumi.Output<unknown>> {
    const n = spec.endpoints();
    const vpc = new gcp.compute.Network(spec.producerVpcName, { autoCreateSubnetworks: false });
    const svc = new cloudrunpsc.ProducerService(spec.producerName, {
        network: vpc.selfLink,
        cloudRun: { image: spec.image },
        hostname: spec.hostname,
        loadBalancerSubnet: { ipCidrRange: spec.lbRange },
        proxyOnlySubnet: { ipCidrRange: spec.proxyOnlyRange },
        natSubnet: { ipCidrRange: spec.natRange },
        consumers: [{ projectIdOrNum: spec.consumerProject, connectionLimit: n }],
    });

    const consumerVpc = new gcp.compute.Network(spec.consumerVpcName, {
        project: spec.consumerProject,
        autoCreateSubnetworks: false,
    });
    const apps = new gcp.compute.Subnetwork(spec.consumerSubnet, {
        project: spec.consumerProject,
        region: spec.region,
        network: consumerVpc.selfLink,
        ipCidrRange: spec.consumerRange,
    });
    for (let i = 0; i < n; i++) {
        const endpoint = new cloudrunpsc.ConsumerEndpoint(spec.endpointName(i), {
            project: spec.consumerProject,
            network: consumerVpc.selfLink,
            subnetwork: apps.selfLink,
            serviceAttachment: svc.serviceAttachmentUri,
            noAutomateDnsZone: true,
        });
        new cloudrunpsc.DnsBinding(spec.dnsName(i), {
            project: spec.consumerProject,
            hostname: spec.endpointHost(i),
            zoneDnsName: `${spec.endpointHost(i)}.`,
            ipAddress: endpoint.ipAddress,
            networks: pulumi.all([consumerVpc.selfLink]),
            protocol: spec.endpointProtocol,
        });
    }
    return { serviceAttachmentUri: svc.serviceAttachmentUri };
}
