"""A Python program for the harness's own tests: one component, a warning logged against it,
and a plain and a secret stack output. It uses only Pulumi built-ins."""

import pulumi


class Greeter(pulumi.ComponentResource):
    def __init__(self, name, who, opts=None):
        super().__init__("test:index:Greeter", name, None, opts)
        self.greeting = pulumi.Output.concat("hello ", who)
        pulumi.log.warn("greeter is a test component", resource=self)
        self.register_outputs({"greeting": self.greeting})


def greeter():
    config = pulumi.Config()
    g = Greeter("greeter", config.get("who") or "python")
    pulumi.export("greeting", g.greeting)
    pulumi.export("secret", pulumi.Output.secret("s3cr3t"))
