// The regions programs, in TypeScript (as gonative.RegionsProducer and gonative.RegionsConsumer):
// a producer in two regions (gcp:region, the primary, and otherRegion) and a consumer with an
// endpoint in each, in two stacks of two organisations, as their owners would write them.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

// The subnets the producer creates in each region, primary first: the load balancer's, the
// GLOBAL_MANAGED_PROXY proxy-only subnet and the PSC NAT subnet.
const producerRanges = [
    { lb: "10.10.0.0/24", proxy: "10.129.0.0/23", nat: "10.20.0.0/24" },
    { lb: "10.11.0.0/24", proxy: "10.130.0.0/23", nat: "10.21.0.0/24" },
];

// The consumer's client subnets, primary region first.
const appsRanges = ["192.168.10.0/24", "192.168.20.0/24"];

// The producer's stack: a ProducerService serving the consumer's project over HTTPS (a
// certificate from configuration, its key a secret) and granting invoker the run.invoker role.
//
// Configuration: gcp:project (the producer's project), gcp:region, otherRegion, consumerProject,
// invoker, tlsCertificate and tlsPrivateKey (a secret); form: "regional" (the single-region form,
// top-level subnets only, in gcp:region), "both" (the regional chain and the cross-region one
// beside it: a migration under way) or "" (the cross-region form, the default);
// disableOutlierDetection (true: the opt-out, so that a region's Cloud Run outage is not failed
// over).
export function regionsProducer(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const regions = [new pulumi.Config("gcp").require("region"), config.require("otherRegion")];
    const form = config.get("form") ?? "";
    const vpc = new gcp.compute.Network("producer-vpc", { autoCreateSubnetworks: false });

    const args: cloudrunpsc.ProducerServiceArgs = {
        network: vpc.selfLink,
        cloudRun: { image: "europe-docker.pkg.dev/acme/payments/api:1.0", invokers: [config.require("invoker")] },
        hostname: "payment-api.internal",
        tls: {
            certificatePem: config.require("tlsCertificate"),
            privateKeyPem: config.requireSecret("tlsPrivateKey"),
        },
        consumers: [{ projectIdOrNum: config.require("consumerProject") }],
    };
    if (form === "regional" || form === "both") {
        // The single-region form keeps the ranges it was deployed with; the cross-region chain
        // takes new ones beside it.
        args.loadBalancerSubnet = { ipCidrRange: "10.0.0.0/24" };
        args.proxyOnlySubnet = { ipCidrRange: "10.128.0.0/23" };
        args.natSubnet = { ipCidrRange: "10.30.0.0/24" };
    }
    if (form !== "regional") {
        args.regions = Object.fromEntries(regions.map((region, i) => [region, {
            loadBalancerSubnet: { ipCidrRange: producerRanges[i].lb },
            proxyOnlySubnet: { ipCidrRange: producerRanges[i].proxy },
            natSubnet: { ipCidrRange: producerRanges[i].nat },
        }]));
    }
    if (config.getBoolean("disableOutlierDetection")) {
        args.backendService = { disableOutlierDetection: true };
    }
    const svc = new cloudrunpsc.ProducerService("payments", args);

    return {
        serviceAttachmentUri: svc.serviceAttachmentUri,
        serviceAttachmentUris: svc.serviceAttachmentUris,
        loadBalancerIps: svc.loadBalancerIps,
        regions: svc.regions,
        connectedEndpoints: svc.connectedEndpoints,
        connectionWarning: svc.connectionWarning,
    };
}

// The consumer's stack: a client subnet and a ConsumerEndpoint in each region, each endpoint
// reading the producer's stack and so connecting to the attachment of its own region, and one
// DnsBinding that answers each client with its own region's endpoint.
//
// Configuration: gcp:project (the consumer's project), gcp:region, otherRegion, producerStack;
// endpoints: "primary" for an endpoint in gcp:region only (a producer in one region serves no
// other), "" for both.
export function regionsConsumer(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    let regions = [new pulumi.Config("gcp").require("region"), config.require("otherRegion")];
    if (config.get("endpoints") === "primary") {
        regions = regions.slice(0, 1);
    }
    const vpc = new gcp.compute.Network("consumer-vpc", { autoCreateSubnetworks: false });

    const ips: Record<string, pulumi.Output<string>> = {};
    const statuses: Record<string, pulumi.Output<string>> = {};
    regions.forEach((region, i) => {
        const apps = new gcp.compute.Subnetwork(`apps-${region}`, {
            network: vpc.selfLink, region, ipCidrRange: appsRanges[i],
        });
        const endpoint = new cloudrunpsc.ConsumerEndpoint(`payments-${region}`, {
            region,
            network: vpc.selfLink,
            subnetwork: apps.selfLink,
            producerStack: config.require("producerStack"),
            noAutomateDnsZone: true,
        });
        ips[region] = endpoint.ipAddress;
        statuses[region] = endpoint.pscConnectionStatus;
    });

    // Each client resolves the name to its own region's endpoint (a geolocation routing policy);
    // with one endpoint, a plain record.
    new cloudrunpsc.DnsBinding("payments-dns", {
        hostname: "payment-api.internal",
        networks: [vpc.selfLink],
        protocol: "HTTPS",
        ...(regions.length === 1 ? { ipAddress: ips[regions[0]] } : { ipAddresses: ips }),
    });

    return { ipAddresses: ips, pscConnectionStatuses: statuses, consumerNetwork: vpc.selfLink };
}
