"""The several-services program (routes), in Python (as gonative.Routes).

One attachment in front of the main payments service (the hostname's other paths), an admin
service the component creates for /admin on the hostname, and an existing reports service
(created here beside it) for reports.internal; what no route matches gets 404. With withAdmin
false the admin route is left out.

Configuration: producerProject, consumerProject, gcp:region, gcp:project (a third project), withAdmin.
"""

import pulumi
import pulumi_gcp as gcp
import pulumi_cloudrun_psc as cloudrunpsc

from organisations import organisations


def routes():
    config = pulumi.Config()
    orgs = organisations()
    reports = gcp.cloudrunv2.Service(
        "reports", name="reports-api", location=orgs.region, ingress="INGRESS_TRAFFIC_INTERNAL_ONLY",
        deletion_protection=False,
        template={"containers": [{"image": "europe-docker.pkg.dev/acme/reports/api:1.0"}]},
        opts=pulumi.ResourceOptions(provider=orgs.acme))
    routes = [{"key": "reports", "hosts": ["reports.internal"], "cloud_run": {"existing_service_name": "reports-api"}}]
    if config.get_bool("withAdmin"):
        routes.insert(0, {"key": "admin", "path_prefix": "/admin", "cloud_run": {
            "image": "europe-docker.pkg.dev/acme/payments/admin:1.0",
            "invokers": ["serviceAccount:ops@bank-ops.iam.gserviceaccount.com"],
        }})
    svc = cloudrunpsc.ProducerService(
        "payments",
        network=orgs.producer_vpc.self_link,
        cloud_run={"image": "europe-docker.pkg.dev/acme/payments/api:1.0"},
        hostname="payment-api.internal",
        load_balancer_subnet={"ip_cidr_range": "10.10.0.0/24"},
        proxy_only_subnet={"ip_cidr_range": "10.129.0.0/23"},
        nat_subnet={"ip_cidr_range": "10.20.0.0/28"},
        consumers=[{"project_id_or_num": orgs.consumer_vpc.project}],
        routes=routes,
        opts=pulumi.ResourceOptions(provider=orgs.acme, depends_on=[reports]),
    )
    endpoint = cloudrunpsc.ConsumerEndpoint(
        "orders",
        network=orgs.consumer_vpc.self_link,
        subnetwork=orgs.apps.self_link,
        service_attachment=svc.service_attachment_uri,
        opts=pulumi.ResourceOptions(provider=orgs.bank),
    )
    pulumi.export("pscConnectionStatus", endpoint.psc_connection_status)
    pulumi.export("routeServiceNames", svc.route_service_names)
