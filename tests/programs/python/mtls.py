"""The mutual TLS program, in Python (as gonative.MTLS).

An HTTPS producer on payment-api.internal with a given certificate that requires client
certificates issued by the consumer organisation's CA (tls.client_auth), its consumer endpoint and
a DNS name for it.

Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
invoker (a principal), tlsCertificate (public) and tlsPrivateKey (a secret), clientCa (the PEM of
the CA whose client certificates are accepted) and clientAuthMode (empty: the default,
REJECT_INVALID).
"""

import pulumi
import pulumi_cloudrun_psc as cloudrunpsc

from organisations import organisations


def mtls():
    config = pulumi.Config()
    orgs = organisations()
    bank = pulumi.ResourceOptions(provider=orgs.bank)
    acme = pulumi.ResourceOptions(provider=orgs.acme)
    client_auth = {"trust_anchors_pem": [config.require("clientCa")]}
    if config.get("clientAuthMode"):
        client_auth["mode"] = config.get("clientAuthMode")
    svc = cloudrunpsc.ProducerService(
        "payments",
        network=orgs.producer_vpc.self_link,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "invokers": [config.require("invoker")]},
        hostname="payment-api.internal",
        tls={
            "certificate_pem": config.require("tlsCertificate"),
            "private_key_pem": config.require_secret("tlsPrivateKey"),
            "client_auth": client_auth,
        },
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.20.0.0/28"},
        consumers=[{"project_id_or_num": orgs.consumer_vpc.project}],
        opts=acme,
    )
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
        hostname="payment-api.internal",
        ip_address=endpoint.ip_address,
        networks=[orgs.consumer_vpc.self_link],
        protocol="HTTPS",
        opts=bank,
    )
    pulumi.export("consumerNetwork", orgs.consumer_vpc.self_link)
