"""The two organisations the corpus programs deploy into (as gonative.NewOrganisations).

The producer (acme) and the consumer (bank) each have their own explicit gcp.Provider, VPC, and
the consumer a subnet for its endpoint. Configuration: producerProject, consumerProject, gcp:region.
"""

from types import SimpleNamespace

import pulumi
import pulumi_gcp as gcp


def organisations():
    config = pulumi.Config()
    region = pulumi.Config("gcp").require("region")
    acme = gcp.Provider("acme", project=config.require("producerProject"), region=region)
    bank = gcp.Provider("bank", project=config.require("consumerProject"), region=region)
    producer_vpc = gcp.compute.Network("producer-vpc", auto_create_subnetworks=False,
                                       opts=pulumi.ResourceOptions(provider=acme))
    consumer_vpc = gcp.compute.Network("consumer-vpc", auto_create_subnetworks=False,
                                       opts=pulumi.ResourceOptions(provider=bank))
    apps = gcp.compute.Subnetwork("apps", network=consumer_vpc.self_link, region=region,
                                  ip_cidr_range="192.168.10.0/24", opts=pulumi.ResourceOptions(provider=bank))
    return SimpleNamespace(region=region, acme=acme, bank=bank, producer_vpc=producer_vpc,
                           consumer_vpc=consumer_vpc, apps=apps)
