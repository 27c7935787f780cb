// Names the way organisations choose them, in TypeScript. The stack sets pulumi:autonaming; the
// producers live in existing VPCs given by self link (configuration network and ledgerNetwork),
// so the component looks their subnets up at every preview; "payments" is renamed by
// configuration (serviceName) with an alias to its old name; "ledger" follows the organisation's
// naming convention through a transform that names every resource it creates.
import * as pulumi from "@pulumi/pulumi";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

// acmeNames names every Google Cloud resource acme-<its Pulumi name> unless it is named already.
const acmeNames: pulumi.ResourceTransform = ({ type, name, props, opts }) =>
    type.startsWith("gcp:") && props.name === undefined
        ? { props: { ...props, name: `acme-${name}` }, opts }
        : undefined;

const image = "us-docker.pkg.dev/cloudrun/container/hello";
const subnets = {
    loadBalancerSubnet: { ipCidrRange: "10.10.0.0/24" },
    proxyOnlySubnet: { ipCidrRange: "10.129.0.0/23" },
    natSubnet: { ipCidrRange: "10.20.0.0/24" },
};

export function naming(): Record<string, pulumi.Input<unknown>> {
    const config = new pulumi.Config();
    const name = config.get("serviceName") ?? "payments";
    const payments = new cloudrunpsc.ProducerService(name, {
        network: config.require("network"),
        cloudRun: { image },
        hostname: "payment-api.internal",
        ...subnets,
        consumers: [{ projectIdOrNum: "bank-consumer-prj" }],
    }, { aliases: name === "payments" ? [] : [{ name: "payments" }] });
    const ledger = new cloudrunpsc.ProducerService("ledger", {
        network: config.require("ledgerNetwork"),
        cloudRun: { image },
        hostname: "ledger.internal",
        ...subnets,
        consumers: [{ projectIdOrNum: "bank-consumer-prj" }],
    }, { transforms: [acmeNames] });
    return { payments: payments.serviceAttachmentUri, ledger: ledger.serviceAttachmentUri };
}
