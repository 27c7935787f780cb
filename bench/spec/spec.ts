// The shape of the benchmark graph for the TypeScript programs: the same values as spec.go
// (which documents them).
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";

export const producerProject = "producer-prj";
export const consumerProject = "consumer-prj";
export const region = "europe-west1";
export const image = "us-docker.pkg.dev/cloudrun/container/hello";
export const hostname = "payment-api.internal";
export const lbRange = "10.10.0.0/24";
export const proxyOnlyRange = "10.129.0.0/23";
export const natRange = "10.20.0.0/24";
export const consumerRange = "192.168.10.0/24";
export const producerName = "payments";
export const producerVpcName = "producer-vpc";
export const consumerVpcName = "consumer-vpc";
export const consumerSubnet = "apps";
export const endpointProtocol = "HTTP";

/** How many consumer endpoints the stack holds (configuration key endpoints, 1 by default). */
export function endpoints(): number {
    return new pulumi.Config().getNumber("endpoints") ?? 1;
}

export const endpointName = (i: number): string => `${producerName}-${i}`;
export const dnsName = (i: number): string => `${endpointName(i)}-dns`;
export const endpointHost = (i: number): string => `payment-api-${i}.internal`;

/** The VPCs both programs create with @pulumi/gcp, components or not. */
export function networks(): { producer: gcp.compute.Network; consumer: gcp.compute.Network; apps: gcp.compute.Subnetwork } {
    const producer = new gcp.compute.Network(producerVpcName, { autoCreateSubnetworks: false });
    const consumer = new gcp.compute.Network(consumerVpcName, { project: consumerProject, autoCreateSubnetworks: false });
    const apps = new gcp.compute.Subnetwork(consumerSubnet, {
        project: consumerProject,
        region,
        network: consumer.selfLink,
        ipCidrRange: consumerRange,
    });
    return { producer, consumer, apps };
}
