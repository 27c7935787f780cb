// The platform team's program, in TypeScript: one program, two organisations. The producer
// (acme) and the consumer (bank) each have their own explicit gcp.Provider; the stack's gcp:project
// names a third project that must receive nothing. Inputs come the way real programs produce them:
// the image and the invoker from other resources' outputs, the TLS certificate and key from
// secret configuration, the consumer to accept from the consumer VPC's project. The producer is
// protected, and CI rolls its image out of band (docs/recipes.md, "Let CI roll the image").
//
// The simulator emulates no Artifact Registry and no service account: the image ref is built
// from the producer VPC's project output, and the invoker's email from the consumer VPC's project
// output, as a created service account's email would be.
//
// Configuration: producerProject, consumerProject, tlsCertificate and tlsPrivateKey (secrets),
// imageTag, protect (true by default), gcp:region, gcp:project (the third project).
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

// CI rolls the image; Pulumi owns the rest of the service (the recipe of docs/recipes.md).
const ignoreImage: pulumi.ResourceTransform = ({ type, props, opts }) =>
    type === "gcp:cloudrunv2/service:Service"
        ? { props, opts: pulumi.mergeOptions(opts, { ignoreChanges: ["template.containers[0].image"] }) }
        : undefined;

export function platform(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const region = new pulumi.Config("gcp").require("region");
    const acme = new gcp.Provider("acme", { project: config.require("producerProject"), region });
    const bank = new gcp.Provider("bank", { project: config.require("consumerProject"), region });

    const producerVpc = new gcp.compute.Network("producer-vpc", { autoCreateSubnetworks: false }, { provider: acme });
    const consumerVpc = new gcp.compute.Network("consumer-vpc", { autoCreateSubnetworks: false }, { provider: bank });
    const apps = new gcp.compute.Subnetwork("apps", {
        network: consumerVpc.selfLink, region, ipCidrRange: "192.168.10.0/24",
    }, { provider: bank });

    const image = pulumi.interpolate`europe-docker.pkg.dev/${producerVpc.project}/payments/api:${config.require("imageTag")}`;
    const caller = pulumi.interpolate`serviceAccount:payments-caller@${consumerVpc.project}.iam.gserviceaccount.com`;

    const svc = new cloudrunpsc.ProducerService("payments", {
        network: producerVpc.selfLink,
        cloudRun: { image, invokers: [caller] },
        hostname: "payment-api.internal",
        tls: {
            certificatePem: config.requireSecret("tlsCertificate"),
            privateKeyPem: config.requireSecret("tlsPrivateKey"),
        },
        loadBalancerSubnet: { ipCidrRange: "10.10.0.0/24" },
        proxyOnlySubnet: { ipCidrRange: "10.129.0.0/23" },
        natSubnet: { ipCidrRange: "10.20.0.0/24" },
        consumers: [{ projectIdOrNum: consumerVpc.project }],
    }, { provider: acme, protect: config.getBoolean("protect") ?? true, transforms: [ignoreImage] });

    const endpoint = new cloudrunpsc.ConsumerEndpoint("payments", {
        network: consumerVpc.selfLink,
        subnetwork: apps.selfLink,
        serviceAttachment: svc.serviceAttachmentUri,
        noAutomateDnsZone: true,
    }, { provider: bank });
    const name = new cloudrunpsc.DnsBinding("payments-dns", {
        hostname: "payment-api.internal",
        ipAddress: endpoint.ipAddress,
        networks: [consumerVpc.selfLink],
        protocol: "HTTPS",
    }, { provider: bank });

    return {
        serviceAttachmentUri: svc.serviceAttachmentUri,
        certificatePem: svc.certificatePem,
        pscConnectionStatus: endpoint.pscConnectionStatus,
        consumerProject: endpoint.consumerProject,
        url: name.url,
    };
}
