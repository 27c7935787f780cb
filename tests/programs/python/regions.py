"""The regions programs, in Python (as gonative.RegionsProducer and gonative.RegionsConsumer).

A producer in two regions (gcp:region, the primary, and otherRegion) and a consumer with an
endpoint in each, in two stacks of two organisations, as their owners would write them.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc

# The subnets the producer creates in each region, primary first: the load balancer's, the
# GLOBAL_MANAGED_PROXY proxy-only subnet and the PSC NAT subnet.
PRODUCER_RANGES = [
    {"lb": "10.10.0.0/24", "proxy": "10.129.0.0/23", "nat": "10.20.0.0/24"},
    {"lb": "10.11.0.0/24", "proxy": "10.130.0.0/23", "nat": "10.21.0.0/24"},
]

# The consumer's client subnets, primary region first.
APPS_RANGES = ["192.168.10.0/24", "192.168.20.0/24"]


def regions_of(config):
    """The primary region (gcp:region), then otherRegion."""
    return [pulumi.Config("gcp").require("region"), config.require("otherRegion")]


def regionsProducer():
    """The producer's stack: a ProducerService serving the consumer's project over HTTPS.

    A certificate from configuration, its key a secret; invoker is granted the run.invoker role.

    Configuration: gcp:project (the producer's project), gcp:region, otherRegion, consumerProject,
    invoker, tlsCertificate and tlsPrivateKey (a secret); form: "regional" (the single-region form,
    top-level subnets only, in gcp:region), "both" (the regional chain and the cross-region one
    beside it: a migration under way) or "" (the cross-region form, the default);
    disableOutlierDetection (true: the opt-out, so that a region's Cloud Run outage is not failed
    over).
    """
    config = pulumi.Config()
    regions = regions_of(config)
    form = config.get("form") or ""
    vpc = gcp.compute.Network("producer-vpc", auto_create_subnetworks=False)

    args = dict(
        network=vpc.self_link,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "invokers": [config.require("invoker")]},
        hostname="payment-api.internal",
        tls={
            "certificate_pem": config.require("tlsCertificate"),
            "private_key_pem": config.require_secret("tlsPrivateKey"),
        },
        consumers=[{"project_id_or_num": config.require("consumerProject")}],
    )
    if form in ("regional", "both"):
        # The single-region form keeps the ranges it was deployed with; the cross-region chain
        # takes new ones beside it.
        args.update(
            load_balancer_subnet={"ip_cidr_range": "10.0.0.0/24"},
            proxy_only_subnet={"ip_cidr_range": "10.128.0.0/23"},
            nat_subnet={"ip_cidr_range": "10.30.0.0/24"},
        )
    if form != "regional":
        args["regions"] = {
            region: {
                "load_balancer_subnet": {"ip_cidr_range": ranges["lb"]},
                "proxy_only_subnet": {"ip_cidr_range": ranges["proxy"]},
                "nat_subnet": {"ip_cidr_range": ranges["nat"]},
            }
            for region, ranges in zip(regions, PRODUCER_RANGES)
        }
    if config.get_bool("disableOutlierDetection"):
        args["backend_service"] = {"disable_outlier_detection": True}
    svc = cloudrunpsc.ProducerService("payments", **args)

    pulumi.export("serviceAttachmentUri", svc.service_attachment_uri)
    pulumi.export("serviceAttachmentUris", svc.service_attachment_uris)
    pulumi.export("loadBalancerIps", svc.load_balancer_ips)
    pulumi.export("regions", svc.regions)
    pulumi.export("connectedEndpoints", svc.connected_endpoints)
    pulumi.export("connectionWarning", svc.connection_warning)


def regionsConsumer():
    """The consumer's stack: a client subnet and a ConsumerEndpoint in each region.

    Each endpoint reads the producer's stack and so connects to the attachment of its own region;
    one DnsBinding answers each client with its own region's endpoint.

    Configuration: gcp:project (the consumer's project), gcp:region, otherRegion, producerStack;
    endpoints: "primary" for an endpoint in gcp:region only (a producer in one region serves no
    other), "" for both.
    """
    config = pulumi.Config()
    regions = regions_of(config)
    if config.get("endpoints") == "primary":
        regions = regions[:1]
    vpc = gcp.compute.Network("consumer-vpc", auto_create_subnetworks=False)

    ips, statuses = {}, {}
    for region, ip_range in zip(regions, APPS_RANGES):
        apps = gcp.compute.Subnetwork(f"apps-{region}", network=vpc.self_link, region=region,
                                      ip_cidr_range=ip_range)
        endpoint = cloudrunpsc.ConsumerEndpoint(
            f"payments-{region}",
            region=region,
            network=vpc.self_link,
            subnetwork=apps.self_link,
            producer_stack=config.require("producerStack"),
            no_automate_dns_zone=True,
        )
        ips[region], statuses[region] = endpoint.ip_address, endpoint.psc_connection_status

    # Each client resolves the name to its own region's endpoint (a geolocation routing policy);
    # with one endpoint, a plain record.
    addresses = {"ip_address": ips[regions[0]]} if len(regions) == 1 else {"ip_addresses": ips}
    cloudrunpsc.DnsBinding(
        "payments-dns",
        hostname="payment-api.internal",
        networks=[vpc.self_link],
        protocol="HTTPS",
        **addresses,
    )

    pulumi.export("ipAddresses", ips)
    pulumi.export("pscConnectionStatuses", statuses)
    pulumi.export("consumerNetwork", vpc.self_link)
