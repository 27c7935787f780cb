"""The producer side of the cloudrun-psc example, written against the generated Python SDK: a VPC,
then one ProducerService that creates the Cloud Run service, the internal load balancer, its
subnets and the PSC service attachment. The same program as examples/go/programs/producer.go.

Configuration (all optional): image, hostname, consumerProjects (consumer project ids to accept),
consumerStacks (consumer stack names whose consumerProject output is accepted), plus gcp:project
and gcp:region.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc


def producer():
    config = pulumi.Config()
    image = config.get("image") or "us-docker.pkg.dev/cloudrun/container/hello"
    hostname = config.get("hostname") or "payment-api.internal"
    consumer_projects = config.get_object("consumerProjects") or []
    consumer_stacks = config.get_object("consumerStacks") or []

    vpc = gcp.compute.Network("producer-vpc", auto_create_subnetworks=False)

    svc = cloudrunpsc.ProducerService(
        "payments",
        network=vpc.self_link,
        cloud_run={"image": image},
        hostname=hostname,
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.20.0.0/24"},
        consumers=[{"project_id_or_num": p} for p in consumer_projects],
        consumer_stacks=[{"stack": s} for s in consumer_stacks],
    )

    pulumi.export("serviceAttachmentUri", svc.service_attachment_uri)
    pulumi.export("loadBalancerIp", svc.load_balancer_ip)
    pulumi.export("hostname", svc.hostname)
    pulumi.export("protocol", svc.protocol)
    pulumi.export("natCapacity", svc.nat_capacity)
    pulumi.export("cloudRunServiceName", svc.cloud_run_service_name)
    pulumi.export("region", svc.region)
    pulumi.export("project", svc.project)
