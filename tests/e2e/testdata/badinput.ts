// The TypeScript side of the bad-input battery (tests/e2e/badinput_test.go): one case per stack,
// read from the stack configuration `case` as {component, name, args}, built with the generated
// Node SDK and served by the provider plugin. The Go test owns the table; this program only turns
// one row into a component, so both languages try exactly the same inputs.
import * as pulumi from "@pulumi/pulumi";
import * as cloudrunpsc from "@cloudrun-psc/pulumi";

interface BadCase {
    component: "ProducerService" | "ConsumerEndpoint" | "DnsBinding";
    name: string;
    args: Record<string, unknown>;
}

export function badInput(): void {
    const c = new pulumi.Config().requireObject<BadCase>("case");
    switch (c.component) {
        case "ProducerService":
            new cloudrunpsc.ProducerService(c.name, c.args as unknown as cloudrunpsc.ProducerServiceArgs);
            break;
        case "ConsumerEndpoint":
            new cloudrunpsc.ConsumerEndpoint(c.name, c.args as unknown as cloudrunpsc.ConsumerEndpointArgs);
            break;
        case "DnsBinding":
            new cloudrunpsc.DnsBinding(c.name, c.args as unknown as cloudrunpsc.DnsBindingArgs);
            break;
        default:
            throw new Error(`unknown component ${(c as BadCase).component}`);
    }
}
