"""The consumer side of the cloudrun-psc example, written against the generated Python SDK: a VPC
and subnet, a ConsumerEndpoint that connects to the producer's service attachment, and a
DnsBinding that names it. The same program as examples/go/programs/consumer.go.

Configuration: exactly one of producerStack (the producer's stack name, read through a
StackReference) and serviceAttachment (the attachment URI as a plain string); optionally hostname
and protocol (HTTP or HTTPS, as the producer serves), plus gcp:project and gcp:region.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc


def consumer():
    config = pulumi.Config()
    hostname = config.get("hostname") or "payment-api.internal"
    protocol = config.get("protocol") or "HTTP"
    region = pulumi.Config("gcp").require("region")

    vpc = gcp.compute.Network("consumer-vpc", auto_create_subnetworks=False)
    apps = gcp.compute.Subnetwork(
        "apps", network=vpc.self_link, region=region, ip_cidr_range="192.168.10.0/24"
    )

    endpoint = cloudrunpsc.ConsumerEndpoint(
        "payments",
        network=vpc.self_link,
        subnetwork=apps.self_link,
        producer_stack=config.get("producerStack"),
        service_attachment=config.get("serviceAttachment"),
        no_automate_dns_zone=True,
    )

    name = cloudrunpsc.DnsBinding(
        "payments-dns",
        hostname=hostname,
        ip_address=endpoint.ip_address,
        networks=[vpc.self_link],
        protocol=protocol,
    )

    pulumi.export("ipAddress", endpoint.ip_address)
    pulumi.export("pscConnectionStatus", endpoint.psc_connection_status)
    pulumi.export("consumerProject", endpoint.consumer_project)
    pulumi.export("consumerNetwork", endpoint.consumer_network)
    pulumi.export("serviceAttachmentUri", endpoint.service_attachment_uri)
    pulumi.export("url", name.url)
