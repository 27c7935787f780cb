"""The program of the call's engine tests, in Python (as gonative.Call).

The whole chain of one attachment in two organisations (HTTPS with a given certificate, the
consumer's caller granted the invoker role through cloudRun.invokers, an endpoint, a DNS name for
it) plus a second client subnet in otherRegion, with configuration that breaks one link at a time.

Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
otherRegion, invoker (a principal), tlsCertificate (public, as certificates are) and tlsPrivateKey (a
secret); and the faults:
dnsHostname (the name the DNS binding gives the endpoint; default the service's hostname),
withRoutes (an /admin route, so that the URL map refuses hosts no route names), connection
(pending: the producer accepts no one; rejected: it rejects the consumer's project), denyEgress
(a consumer egress rule that denies everything) and armorDeny (a Cloud Armor rule that denies the
NAT range).
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc

from organisations import organisations

# The producer's PSC NAT subnet: the source Cloud Armor sees for every consumer's call.
NAT_RANGE = "10.20.0.0/28"


def call():
    config = pulumi.Config()
    orgs = organisations()
    bank = pulumi.ResourceOptions(provider=orgs.bank)
    acme = pulumi.ResourceOptions(provider=orgs.acme)
    gcp.compute.Subnetwork("apps-other", network=orgs.consumer_vpc.self_link, region=config.require("otherRegion"),
                           ip_cidr_range="192.168.20.0/24", opts=bank)

    invoker = config.require("invoker")
    args = dict(
        network=orgs.producer_vpc.self_link,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "invokers": [invoker]},
        hostname="payment-api.internal",
        tls={
            "certificate_pem": config.require("tlsCertificate"),
            "private_key_pem": config.require_secret("tlsPrivateKey"),
        },
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": NAT_RANGE},
    )
    connection = config.get("connection") or ""
    if connection == "rejected":
        args["rejected_consumers"] = [orgs.consumer_vpc.project]
    elif connection != "pending":
        args["consumers"] = [{"project_id_or_num": orgs.consumer_vpc.project}]
    if config.get_bool("withRoutes"):
        args["routes"] = [{"key": "admin", "path_prefix": "/admin", "cloud_run": {
            "image": "europe-docker.pkg.dev/acme/payments/admin:1.0", "invokers": [invoker]}}]
    if config.get_bool("armorDeny"):
        armor = gcp.compute.RegionSecurityPolicy(
            "armor", region=orgs.region, type="CLOUD_ARMOR",
            rules=[
                {"priority": 1000, "action": "deny(403)",
                 "match": {"versioned_expr": "SRC_IPS_V1", "config": {"src_ip_ranges": [NAT_RANGE]}}},
                {"priority": 2147483647, "action": "allow",
                 "match": {"versioned_expr": "SRC_IPS_V1", "config": {"src_ip_ranges": ["*"]}}},
            ],
            opts=acme)
        args["backend_service"] = {"security_policy": armor.self_link}
    svc = cloudrunpsc.ProducerService("payments", **args, opts=acme)

    if config.get_bool("denyEgress"):
        gcp.compute.Firewall("deny-egress", network=orgs.consumer_vpc.self_link, direction="EGRESS", priority=1000,
                             destination_ranges=["0.0.0.0/0"], denies=[{"protocol": "all"}], opts=bank)
    endpoint = cloudrunpsc.ConsumerEndpoint(
        "orders",
        network=orgs.consumer_vpc.self_link,
        subnetwork=orgs.apps.self_link,
        service_attachment=svc.service_attachment_uri,
        no_automate_dns_zone=True,
        opts=bank,
    )
    cloudrunpsc.DnsBinding(
        "orders-dns",
        hostname=config.get("dnsHostname") or "payment-api.internal",
        ip_address=endpoint.ip_address,
        networks=[orgs.consumer_vpc.self_link],
        protocol="HTTPS",
        opts=bank,
    )
    pulumi.export("ipAddress", endpoint.ip_address)
    pulumi.export("pscConnectionStatus", endpoint.psc_connection_status)
    pulumi.export("consumerNetwork", orgs.consumer_vpc.self_link)
