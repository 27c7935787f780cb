"""The Google-managed certificate program (tls managed), in Python (as gonative.ManagedCert).

A producer on a public hostname whose certificate is Google-managed (tls managed), a consumer
endpoint, and the producer's public Cloud DNS zone for example.com, in which the program
publishes the DNS authorization record the component reports once publishRecords is set.

Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project),
publishRecords.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc

from organisations import organisations


def managedcert():
    config = pulumi.Config()
    orgs = organisations()
    acme, bank = orgs.acme, orgs.bank
    producer_vpc, consumer_vpc, apps = orgs.producer_vpc, orgs.consumer_vpc, orgs.apps

    svc = cloudrunpsc.ProducerService(
        "payments",
        network=producer_vpc.self_link,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0"},
        hostname="payments.example.com",
        tls={"managed": {}},
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.20.0.0/28"},
        consumers=[{"project_id_or_num": consumer_vpc.project}],
        opts=pulumi.ResourceOptions(provider=acme),
    )
    cloudrunpsc.ConsumerEndpoint(
        "orders",
        network=consumer_vpc.self_link,
        subnetwork=apps.self_link,
        service_attachment=svc.service_attachment_uri,
        opts=pulumi.ResourceOptions(provider=bank),
    )
    # The company's public zone, where Google looks for the authorization record.
    zone = gcp.dns.ManagedZone("example-com", dns_name="example.com.", opts=pulumi.ResourceOptions(provider=acme))
    record = svc.dns_authorization_records.apply(lambda records: records[0])
    if config.get_bool("publishRecords"):
        gcp.dns.RecordSet(
            "acme-challenge",
            managed_zone=zone.name,
            name=record.name,
            type=record.type,
            ttl=300,
            rrdatas=[record.data],
            opts=pulumi.ResourceOptions(provider=acme),
        )
    pulumi.export("managedCertificate", svc.managed_certificate)
    pulumi.export("recordName", record.name)
    pulumi.export("recordType", record.type)
    pulumi.export("recordData", record.data)
