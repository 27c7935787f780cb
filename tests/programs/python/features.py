"""The production features program, in Python (as gonative.Features).

A producer whose callers are authenticated by the network path (caller_auth "network", for a
consumer organisation under Domain Restricted Sharing), behind a created regional Cloud Armor
policy, with request logging, outlier detection, a backend timeout, global access on its load
balancer and labels; and a consumer endpoint with labels, registered in Service Directory. Both
VPCs are Shared VPC networks: the producer's of hostProject, the consumer's of consumerHostProject
(network_project). The producer publishes domain_names; the endpoint hands the domains PSC's
automatic DNS claims to a DnsBinding for dnsHostname, which refuses a name under them.

Configuration: producerProject, consumerProject, hostProject, consumerHostProject, gcp:region,
gcp:project (a third project), team (the producer's team label), globalAccess, dnsHostname,
endpointName. The Cloud Run service, the attachment and the endpoint take explicit names.
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
    # project attached, the VPC created there; the component creates the subnets.
    host_project = config.require("hostProject")
    producer_net, _ = shared_vpc("acme-host", host_project, producer_vpc.project, region)
    armor = gcp.compute.RegionSecurityPolicy("armor", region=region, type="CLOUD_ARMOR",
                                             opts=pulumi.ResourceOptions(provider=acme))

    svc = cloudrunpsc.ProducerService(
        "payments",
        network=producer_net,
        network_project=host_project,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0", "caller_auth": "network",
                   "service_name": "payments-api"},
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
        domain_names=["p.acme.example."],
        service_attachment_name="payments-psc",
        opts=pulumi.ResourceOptions(provider=acme),
    )
    # The consumer's VPC is a Shared VPC network of its own host project: the endpoint's address
    # and rule stay in the consumer's (service) project, its subnet is the host's.
    consumer_host = config.require("consumerHostProject")
    consumer_net, consumer_subnet = shared_vpc("bank-host", consumer_host, consumer_vpc.project, region, "192.168.20.0/24")
    endpoint = cloudrunpsc.ConsumerEndpoint(
        "orders",
        network=consumer_net,
        network_project=consumer_host,
        subnetwork=consumer_subnet,
        service_attachment=svc.service_attachment_uri,
        producer_domain_names=svc.domain_names,
        endpoint_name=config.get("endpointName"),
        service_directory_registrations={"namespace": "partners", "service": "payments"},
        labels={"team": "orders"},
        opts=pulumi.ResourceOptions(provider=bank),
    )
    cloudrunpsc.DnsBinding(
        "orders-dns",
        hostname=config.get("dnsHostname") or "payment-api.internal",
        ip_address=endpoint.ip_address,
        networks=[consumer_net],
        automatic_dns_domains=endpoint.automatic_dns_domains,
        opts=pulumi.ResourceOptions(provider=bank),
    )
    pulumi.export("pscConnectionStatus", endpoint.psc_connection_status)
    pulumi.export("securityPolicy", armor.self_link)
    pulumi.export("automaticDnsDomains", endpoint.automatic_dns_domains)


def shared_vpc(name, host_project, service_project, region, subnet_range=None):
    """Make host_project a Shared VPC host with a VPC (and a subnet of subnet_range), attach
    service_project, and return the network's and the subnet's self links, which wait for the
    attachment: the service project may use them only once it is attached."""
    host = gcp.Provider(name, project=host_project, region=region)
    opts = pulumi.ResourceOptions(provider=host)
    enabled = gcp.compute.SharedVPCHostProject(name, project=host_project, opts=opts)
    attached = gcp.compute.SharedVPCServiceProject(name + "-attached", host_project=enabled.project,
                                                   service_project=service_project, opts=opts)
    vpc = gcp.compute.Network(name + "-vpc", auto_create_subnetworks=False, opts=opts)

    def after(o):
        return pulumi.Output.all(o, attached.id).apply(lambda v: v[0])

    if subnet_range is None:
        return after(vpc.self_link), None
    subnet = gcp.compute.Subnetwork(name + "-apps", network=vpc.self_link, region=region,
                                    ip_cidr_range=subnet_range, opts=opts)
    return after(vpc.self_link), after(subnet.self_link)
