"""The two organisations of the corpus programs, in Python (as gonative.NewOrganisations).

An explicit gcp.Provider for the producer (acme, configuration producerProject) and for the
consumer (bank, consumerProject), both in gcp:region; the producer's VPC, and the consumer's VPC
with its apps subnet.
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
