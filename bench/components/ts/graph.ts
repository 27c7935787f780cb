// The benchmark graph (bench/spec) written with the cloudrun-psc TypeScript SDK: the components
// are constructed by the provider plugin. The twin of bench/components/go.
import * as pulumi from "@pulumi/pulumi";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";
import * as spec from "../../spec/spec";

export function graph(): Record<string, pulumi.Output<unknown>> {
    const n = spec.endpoints();
    const nets = spec.networks();
    const svc = new cloudrunpsc.ProducerService(spec.producerName, {
        network: nets.producer.selfLink,
        cloudRun: { image: spec.image },
        hostname: spec.hostname,
        loadBalancerSubnet: { ipCidrRange: spec.lbRange },
        proxyOnlySubnet: { ipCidrRange: spec.proxyOnlyRange },
        natSubnet: { ipCidrRange: spec.natRange },
        consumers: [{ projectIdOrNum: spec.consumerProject, connectionLimit: n }],
    });

    for (let i = 0; i < n; i++) {
        const endpoint = new cloudrunpsc.ConsumerEndpoint(spec.endpointName(i), {
            project: spec.consumerProject,
            network: nets.consumer.selfLink,
            subnetwork: nets.apps.selfLink,
            serviceAttachment: svc.serviceAttachmentUri,
            noAutomateDnsZone: true,
        });
        new cloudrunpsc.DnsBinding(spec.dnsName(i), {
            project: spec.consumerProject,
            hostname: spec.endpointHost(i),
            zoneDnsName: `${spec.endpointHost(i)}.`,
            ipAddress: endpoint.ipAddress,
            networks: pulumi.all([nets.consumer.selfLink]),
            protocol: spec.endpointProtocol,
        });
    }
    return { serviceAttachmentUri: svc.serviceAttachmentUri };
}
