// The benchmark graph (bench/spec) written by hand with @pulumi/gcp: the resources the
// cloudrun-psc components create, with the same names and inputs, and only the waits Google
// Cloud requires. The twin of bench/handwritten/go, which says more.
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import * as spec from "../../spec/spec";

// managedBy is the label the components put on every child that takes labels.
const managedBy = { "managed-by": "cloudrun-psc" };

function producer(vpc: gcp.compute.Network, n: number): pulumi.Output<string> {
    const project = spec.producerProject;
    const region = spec.region;
    const name = (role: string) => `${spec.producerName}-${role}`;
    const subnet = (role: string, ipCidrRange: string, purpose?: string, subnetRole?: string) =>
        new gcp.compute.Subnetwork(name(role), {
            project,
            region,
            network: vpc.selfLink,
            ipCidrRange,
            description: `cloudrun-psc ProducerService ${role} of stack ${pulumi.getProject()}/${pulumi.getStack()}`,
            ...(purpose ? { purpose } : {}),
            ...(subnetRole ? { role: subnetRole } : {}),
        });
    const lb = subnet("lb-subnet", spec.lbRange);
    const proxyOnly = subnet("proxy-subnet", spec.proxyOnlyRange, "REGIONAL_MANAGED_PROXY", "ACTIVE");
    const nat = subnet("nat-subnet", spec.natRange, "PRIVATE_SERVICE_CONNECT");

    const run = new gcp.cloudrunv2.Service(name("run"), {
        project,
        location: region,
        ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
        invokerIamDisabled: false,
        labels: managedBy,
        deletionProtection: false,
        customAudiences: [`http://${spec.hostname}`],
        template: {
            containers: [
                {
                    image: spec.image,
                    ports: { containerPort: 8080 },
                    resources: { limits: { cpu: "1", memory: "512Mi" } },
                },
            ],
            scaling: { minInstanceCount: 0 },
        },
    });
    const neg = new gcp.compute.RegionNetworkEndpointGroup(name("neg"), {
        project,
        region,
        networkEndpointType: "SERVERLESS",
        cloudRun: { service: run.name },
    });
    const backend = new gcp.compute.RegionBackendService(name("backend"), {
        project,
        region,
        loadBalancingScheme: "INTERNAL_MANAGED",
        protocol: "HTTP",
        backends: [{ group: neg.selfLink }],
    });
    const urlMap = new gcp.compute.RegionUrlMap(name("urlmap"), {
        project,
        region,
        defaultService: backend.selfLink,
        hostRules: [{ hosts: [spec.hostname], pathMatcher: "private-host" }],
        pathMatchers: [{ name: "private-host", defaultService: backend.selfLink }],
    });
    const proxy = new gcp.compute.RegionTargetHttpProxy(name("proxy"), { project, region, urlMap: urlMap.selfLink });
    // FR-PROXY-ONLY-FIRST: the proxy-only subnet must exist before the forwarding rule, which does not
    // reference it.
    const rule = new gcp.compute.ForwardingRule(
        name("lb-rule"),
        {
            project,
            region,
            loadBalancingScheme: "INTERNAL_MANAGED",
            ipProtocol: "TCP",
            portRange: "80",
            target: proxy.selfLink,
            network: vpc.selfLink,
            subnetwork: lb.selfLink,
            labels: managedBy,
        },
        { dependsOn: [proxyOnly] },
    );
    const attachment = new gcp.compute.ServiceAttachment(name("attachment"), {
        project,
        region,
        targetService: rule.selfLink,
        natSubnets: [nat.selfLink],
        enableProxyProtocol: false,
        connectionPreference: "ACCEPT_MANUAL",
        reconcileConnections: true,
        consumerAcceptLists: [{ projectIdOrNum: spec.consumerProject, connectionLimit: n }],
        consumerRejectLists: [],
    });
    return pulumi.interpolate`projects/${attachment.project}/regions/${attachment.region}/serviceAttachments/${attachment.name}`;
}

export function graph(): Record<string, pulumi.Output<unknown>> {
    const n = spec.endpoints();
    const nets = spec.networks();
    const uri = producer(nets.producer, n);
    const project = spec.consumerProject;
    const region = spec.region;
    for (let i = 0; i < n; i++) {
        const name = spec.endpointName(i);
        const addr = new gcp.compute.Address(`${name}-ip`, {
            project,
            region,
            addressType: "INTERNAL",
            subnetwork: nets.apps.selfLink,
            labels: managedBy,
        });
        new gcp.compute.ForwardingRule(
            `${name}-endpoint`,
            {
                project,
                region,
                loadBalancingScheme: "",
                target: uri,
                ipAddress: addr.address,
                network: nets.consumer.selfLink,
                subnetwork: nets.apps.selfLink,
                recreateClosedPsc: true,
                allowPscGlobalAccess: false,
                noAutomateDnsZone: true,
                labels: managedBy,
            },
            // The replacement takes the same address, which the old rule must release first.
            { replaceOnChanges: ["target", "ipAddress"], deleteBeforeReplace: true },
        );
        const dnsName = spec.dnsName(i);
        const host = spec.endpointHost(i);
        const zone = new gcp.dns.ManagedZone(`${dnsName}-zone`, {
            project,
            dnsName: `${host}.`,
            visibility: "private",
            labels: managedBy,
            privateVisibilityConfig: { networks: [{ networkUrl: nets.consumer.selfLink }] },
        });
        new gcp.dns.RecordSet(`${dnsName}-record`, {
            project,
            managedZone: zone.name,
            name: `${host}.`,
            type: "A",
            ttl: 300,
            rrdatas: [addr.address],
        });
    }
    return { serviceAttachmentUri: uri };
}
