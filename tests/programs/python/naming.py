"""Names the way organisations choose them, in Python.

The stack sets pulumi:autonaming; the producers live in existing VPCs given by self link
(configuration network and ledgerNetwork), so the component looks their subnets up at every
preview; "payments" is renamed by configuration (serviceName) with an alias to its old name;
"ledger" follows the organisation's naming convention through a transform that names every
resource it creates.
"""

import pulumi
import pulumi_cloudrun_psc as cloudrunpsc


def acme_names(args: pulumi.ResourceTransformArgs):
    """Names every Google Cloud resource acme-<its Pulumi name> unless it is named already."""
    if not args.type_.startswith("gcp:") or args.props.get("name") is not None:
        return None
    return pulumi.ResourceTransformResult(props={**args.props, "name": f"acme-{args.name}"}, opts=args.opts)


IMAGE = "us-docker.pkg.dev/cloudrun/container/hello"
SUBNETS = {
    "load_balancer_subnet": {"ip_cidr_range": "10.10.0.0/24"},
    "proxy_only_subnet": {"ip_cidr_range": "10.129.0.0/23"},
    "nat_subnet": {"ip_cidr_range": "10.20.0.0/24"},
}


def naming():
    config = pulumi.Config()
    name = config.get("serviceName") or "payments"
    aliases = [] if name == "payments" else [pulumi.Alias(name="payments")]
    payments = cloudrunpsc.ProducerService(
        name,
        network=config.require("network"),
        cloud_run={"image": IMAGE},
        hostname="payment-api.internal",
        consumers=[{"project_id_or_num": "bank-consumer-prj"}],
        opts=pulumi.ResourceOptions(aliases=aliases),
        **SUBNETS,
    )
    ledger = cloudrunpsc.ProducerService(
        "ledger",
        network=config.require("ledgerNetwork"),
        cloud_run={"image": IMAGE},
        hostname="ledger.internal",
        consumers=[{"project_id_or_num": "bank-consumer-prj"}],
        opts=pulumi.ResourceOptions(transforms=[acme_names]),
        **SUBNETS,
    )
    pulumi.export("payments", payments.service_attachment_uri)
    pulumi.export("ledger", ledger.service_attachment_uri)
