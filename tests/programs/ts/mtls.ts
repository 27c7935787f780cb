// The mutual TLS program, in TypeScript (as gonative.MTLS): an HTTPS producer on
// payment-api.internal with a given certificate that requires client certificates issued by the
// consumer organisation's CA (tls.clientAuth), its consumer endpoint and a DNS name for it, in two
// organisations with their own providers.
//
// Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
// invoker (a principal), tlsCertificate (public) and tlsPrivateKey (a secret), clientCa (the PEM
// of the CA whose client certificates are accepted) and clientAuthMode (empty: the default,
// REJECT_INVALID).
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

export function mtls(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const region = new pulumi.Config("gcp").require("region");
    const acme = new gcp.Provider("acme", { project: config.require("producerProject"), region });
    const bank = new gcp.Provider("bank", { project: config.require("consumerProject"), region });

    const producerVpc = new gcp.compute.Network("producer-vpc", { autoCreateSubnetworks: false }, { provider: acme });
    const consumerVpc = new gcp.compute.Network("consumer-vpc", { autoCreateSubnetworks: false }, { provider: bank });
    const apps = new gcp.compute.Subnetwork("apps", {
        network: consumerVpc.selfLink, region, ipCidrRange: "192.168.10.0/24",
    }, { provider: bank });

    const svc = new cloudrunpsc.ProducerService("payments", {
        network: producerVpc.selfLink,
        cloudRun: { image: "europe-docker.pkg.dev/acme/payments/api:1.0", invokers: [config.require("invoker")] },
        hostname: "payment-api.internal",
        tls: {
            certificatePem: config.require("tlsCertificate"),
            privateKeyPem: config.requireSecret("tlsPrivateKey"),
            clientAuth: {
                trustAnchorsPem: [config.require("clientCa")],
                mode: config.get("clientAuthMode") || undefined,
            },
        },
        loadBalancerSubnet: { ipCidrRange: "10.10.0.0/24" },
        proxyOnlySubnet: { ipCidrRange: "10.129.0.0/23" },
        natSubnet: { ipCidrRange: "10.20.0.0/28" },
        consumers: [{ projectIdOrNum: consumerVpc.project }],
    }, { provider: acme });

    const endpoint = new cloudrunpsc.ConsumerEndpoint("orders", {
        network: consumerVpc.selfLink,
        subnetwork: apps.selfLink,
        serviceAttachment: svc.serviceAttachmentUri,
        noAutomateDnsZone: true,
    }, { provider: bank });
    new cloudrunpsc.DnsBinding("orders-dns", {
        hostname: "payment-api.internal",
        ipAddress: endpoint.ipAddress,
        networks: [consumerVpc.selfLink],
        protocol: "HTTPS",
    }, { provider: bank });

    return { consumerNetwork: consumerVpc.selfLink };
}
