"""The production program of issue 12, in Python (as gonative.Features).

A producer whose callers are authenticated by the network path (caller_auth "network", for a
consumer organisation under Domain Restricted Sharing), behind a created regional Cloud Armor
policy, with request logging, outlier detection, a backend timeout, global access on its load
balancer and labels; and a consumer endpoint with labels, registered in Service Directory. The
producer's VPC is a Shared VPC network of hostProject (network_project).

Configuration: producerProject, consumerProject, hostProject, gcp:region, gcp:project (a third project),
team (the producer's team label), globalAccess.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc

from organisations import organisations


def features():
    config = pulumi.Config()
    orgs = organisations()
    region, acme, bank = orgs.region, orgs.acme, orgs.bank
    producer_vpc, consumer_vpc, apps = orgs.producer_vpc, orgs.consumer_vpc, orgs.apps
    # The producer's VPC is a Shared VPC network of a host project: enabled, the producer's
    # project attached, the VPC created there.
    host_project = config.require("hostProject")
    host = gcp.Provider("acme-host", project=host_project, region=region)
    enabled = gcp.compute.SharedVPCHostProject("host", project=host_project, opts=pulumi.ResourceOptions(provider=host))
    attached = gcp.compute.SharedVPCServiceProject("attached", host_project=enabled.project,
                                                   service_project=producer_vpc.project,
                                                   opts=pulumi.ResourceOptions(provider=host))
    shared_vpc = gcp.compute.Network("shared-vpc", auto_create_subnetworks=False,
                                     opts=pulumi.ResourceOptions(provider=host))
    armor = gcp.compute.RegionSecurityPolicy("armor", region=region, type="CLOUD_ARMOR",
                                             opts=pulumi.ResourceOptions(provider=acme))

    svc = cloudrunpsc.ProducerService(
        "payments",
        network=shared_vpc.self_link,
        network_project=host_project,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "caller_auth": "network"},
        hostname="payment-api.internal",
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.20.0.0/28"},
        consumers=[{"project_id_or_num": consumer_vpc.project}],
        backend_service={
            "security_policy": armor.self_link,
            "log_config": {"sample_rate": 0.5},
            "outlier_detection": {"consecutive_errors": 5, "interval": {"seconds": 10}},
            "timeout_sec": 60,
        },
        allow_global_access=config.get_bool("globalAccess") or False,
        labels={"team": config.require("team")},
        # The service project's load balancer may use the host's VPC only once it is attached.
        opts=pulumi.ResourceOptions(provider=acme, depends_on=[attached]),
    )
    endpoint = cloudrunpsc.ConsumerEndpoint(
        "orders",
        network=consumer_vpc.self_link,
        subnetwork=apps.self_link,
        service_attachment=svc.service_attachment_uri,
        service_directory_registrations={"namespace": "partners", "service": "payments"},
        labels={"team": "orders"},
        opts=pulumi.ResourceOptions(provider=bank),
    )
    pulumi.export("pscConnectionStatus", endpoint.psc_connection_status)
    pulumi.export("securityPolicy", armor.self_link)
