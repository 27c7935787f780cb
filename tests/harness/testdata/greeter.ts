// A TypeScript program for the harness's own tests: one component, a warning logged against it,
// and a plain and a secret stack output. It uses only Pulumi built-ins.
import * as pulumi from "@pulumi/pulumi";

class Greeter extends pulumi.ComponentResource {
    public readonly greeting: pulumi.Output<string>;

    constructor(name: string, who: pulumi.Input<string>, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Greeter", name, {}, opts);
        this.greeting = pulumi.interpolate`hello ${who}`;
        pulumi.log.warn("greeter is a test component", this);
        this.registerOutputs({ greeting: this.greeting });
    }
}

export async function greeter(): Promise<Record<string, unknown>> {
    const config = new pulumi.Config();
    const g = new Greeter("greeter", config.get("who") ?? "typescript");
    return { greeting: g.greeting, secret: pulumi.secret("s3cr3t") };
}
