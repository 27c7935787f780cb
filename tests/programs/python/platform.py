"""The platform team's program, in Python: one program, two organisations.

The producer (acme) and the consumer (bank) each have their own explicit gcp.Provider; the stack's
gcp:project names a third project that must receive nothing. Inputs come the way real programs
produce them: the image and the invoker from other resources' outputs, the TLS certificate and key
from secret configuration, the consumer to accept from the consumer VPC's project. The producer is
protected, and CI rolls its image out of band (docs/recipes.md, "Let CI roll the image").

The simulator emulates no Artifact Registry and no service account: the image ref is built from
the producer VPC's project output, and the invoker's email from the consumer VPC's project output,
as a created service account's email would be.

Configuration: producerProject, consumerProject, tlsCertificate and tlsPrivateKey (secrets),
imageTag, protect (true by default), gcp:region, gcp:project (the third project).
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc

from organisations import organisations


def ignore_image(args: pulumi.ResourceTransformArgs):
    """CI rolls the image; Pulumi owns the rest of the service (the recipe of docs/recipes.md)."""
    if args.type_ != "gcp:cloudrunv2/service:Service":
        return None
    opts = pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(ignore_changes=["template.containers[0].image"]))
    return pulumi.ResourceTransformResult(props=args.props, opts=opts)


def platform():
    config = pulumi.Config()
    orgs = organisations()
    acme, bank = orgs.acme, orgs.bank
    producer_vpc, consumer_vpc, apps = orgs.producer_vpc, orgs.consumer_vpc, orgs.apps

    image = pulumi.Output.concat("europe-docker.pkg.dev/", producer_vpc.project, "/payments/api:",
                                 config.require("imageTag"))
    caller = pulumi.Output.concat("serviceAccount:payments-caller@", consumer_vpc.project, ".iam.gserviceaccount.com")

    protect = config.get_bool("protect")
    svc = cloudrunpsc.ProducerService(
        "payments",
        network=producer_vpc.self_link,
        cloud_run={"image": image, "invokers": [caller]},
        hostname="payment-api.internal",
        tls={
            "certificate_pem": config.require_secret("tlsCertificate"),
            "private_key_pem": config.require_secret("tlsPrivateKey"),
        },
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.20.0.0/24"},
        consumers=[{"project_id_or_num": consumer_vpc.project}],
        opts=pulumi.ResourceOptions(provider=acme, protect=True if protect is None else protect,
                                    transforms=[ignore_image]),
    )

    endpoint = cloudrunpsc.ConsumerEndpoint(
        "payments",
        network=consumer_vpc.self_link,
        subnetwork=apps.self_link,
        service_attachment=svc.service_attachment_uri,
        no_automate_dns_zone=True,
        opts=pulumi.ResourceOptions(provider=bank),
    )
    name = cloudrunpsc.DnsBinding(
        "payments-dns",
        hostname="payment-api.internal",
        ip_address=endpoint.ip_address,
        networks=[consumer_vpc.self_link],
        protocol="HTTPS",
        opts=pulumi.ResourceOptions(provider=bank),
    )

    pulumi.export("serviceAttachmentUri", svc.service_attachment_uri)
    pulumi.export("certificatePem", svc.certificate_pem)
    pulumi.export("pscConnectionStatus", endpoint.psc_connection_status)
    pulumi.export("consumerProject", endpoint.consumer_project)
    pulumi.export("url", name.url)
