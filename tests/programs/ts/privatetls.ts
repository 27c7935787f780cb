// The private-TLS programs, in TypeScript (as gonative.PrivateTlsProducer and
// gonative.PrivateTlsConsumer): a producer serving https://payment-api.internal/ with a certificate
// issued by a CA Service root CA the component creates, and a consumer that reads the producer's
// stack for the attachment and for the CA chain its callers trust.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

// The producer's stack: a ProducerService on payment-api.internal over HTTPS with
// tls.private.createCa, serving the consumer's project and granting invoker run.invoker.
//
// Configuration: gcp:project, gcp:region, consumerProject, invoker; caDeletionProtection
// ("false" lets destroy delete the root CA).
export function privateTlsProducer(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const vpc = new gcp.compute.Network("producer-vpc", { autoCreateSubnetworks: false });
    const svc = new cloudrunpsc.ProducerService("payments", {
        network: vpc.selfLink,
        cloudRun: { image: "europe-docker.pkg.dev/acme/payments/api:1.0", invokers: [config.require("invoker")] },
        hostname: "payment-api.internal",
        tls: { private: { createCa: { organization: "Acme Payments", deletionProtection: config.getBoolean("caDeletionProtection") } } },
        loadBalancerSubnet: { ipCidrRange: "10.0.0.0/24" },
        proxyOnlySubnet: { ipCidrRange: "10.128.0.0/23" },
        natSubnet: { ipCidrRange: "10.30.0.0/24" },
        consumers: [{ projectIdOrNum: config.require("consumerProject") }],
    });
    return {
        serviceAttachmentUri: svc.serviceAttachmentUri,
        serviceAttachmentUris: svc.serviceAttachmentUris,
        caCertificatePem: svc.caCertificatePem,
    };
}

// The consumer's stack: a client subnet, a ConsumerEndpoint reading the producer's stack, and a
// DnsBinding for payment-api.internal.
//
// Configuration: gcp:project, gcp:region, producerStack.
export function privateTlsConsumer(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const region = new pulumi.Config("gcp").require("region");
    const vpc = new gcp.compute.Network("consumer-vpc", { autoCreateSubnetworks: false });
    const apps = new gcp.compute.Subnetwork(`apps-${region}`, { network: vpc.selfLink, region, ipCidrRange: "192.168.10.0/24" });
    const endpoint = new cloudrunpsc.ConsumerEndpoint("payments", {
        network: vpc.selfLink,
        subnetwork: apps.selfLink,
        producerStack: config.require("producerStack"),
        noAutomateDnsZone: true,
    });
    new cloudrunpsc.DnsBinding("payments-dns", {
        hostname: "payment-api.internal", networks: [vpc.selfLink], protocol: "HTTPS", ipAddress: endpoint.ipAddress,
    });
    return {
        consumerNetwork: vpc.selfLink,
        pscConnectionStatuses: { [region]: endpoint.pscConnectionStatus },
        caCertificatePem: endpoint.caCertificatePem,
    };
}
