"""The private-TLS programs, in Python (as gonative.PrivateTlsProducer and PrivateTlsConsumer).

A producer serving https://payment-api.internal/ with a certificate issued by a CA Service root CA
the component creates, and a consumer that reads the producer's stack for the attachment and for
the CA chain its callers trust.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc


def privateTlsProducer():
    """The producer's stack: a ProducerService on payment-api.internal with tls.private.createCa.

    Configuration: gcp:project, gcp:region, consumerProject, invoker; caDeletionProtection
    ("false" lets destroy delete the root CA).
    """
    config = pulumi.Config()
    vpc = gcp.compute.Network("producer-vpc", auto_create_subnetworks=False)
    svc = cloudrunpsc.ProducerService(
        "payments",
        network=vpc.self_link,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "invokers": [config.require("invoker")]},
        hostname="payment-api.internal",
        tls={"private": {"create_ca": {"organization": "Acme Payments",
                                       "deletion_protection": config.get_bool("caDeletionProtection")}}},
        load_balancer_subnet={"ip_cidr_range": "10.0.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.128.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.30.0.0/24"},
        consumers=[{"project_id_or_num": config.require("consumerProject")}],
    )
    pulumi.export("serviceAttachmentUri", svc.service_attachment_uri)
    pulumi.export("serviceAttachmentUris", svc.service_attachment_uris)
    pulumi.export("caCertificatePem", svc.ca_certificate_pem)


def privateTlsConsumer():
    """The consumer's stack: a client subnet, a ConsumerEndpoint reading producerStack, a DnsBinding.

    Configuration: gcp:project, gcp:region, producerStack.
    """
    config = pulumi.Config()
    region = pulumi.Config("gcp").require("region")
    vpc = gcp.compute.Network("consumer-vpc", auto_create_subnetworks=False)
    apps = gcp.compute.Subnetwork(f"apps-{region}", network=vpc.self_link, region=region, ip_cidr_range="192.168.10.0/24")
    endpoint = cloudrunpsc.ConsumerEndpoint(
        "payments",
        network=vpc.self_link,
        subnetwork=apps.self_link,
        producer_stack=config.require("producerStack"),
        no_automate_dns_zone=True,
    )
    cloudrunpsc.DnsBinding("payments-dns", hostname="payment-api.internal", networks=[vpc.self_link],
                           protocol="HTTPS", ip_address=endpoint.ip_address)
    pulumi.export("consumerNetwork", vpc.self_link)
    pulumi.export("pscConnectionStatuses", {region: endpoint.psc_connection_status})
    pulumi.export("caCertificatePem", endpoint.ca_certificate_pem)
