// Package gcpsim emulates the part of the Google Cloud control plane that the cloudrun-psc
// components use: VPC networks and subnets, internal addresses, firewalls, Cloud Run v2
// services, the regional internal Application Load Balancer chain, Private Service Connect
// service attachments and endpoints, and Cloud DNS private zones.
//
// The emulation is served to the real Pulumi engine as a stand-in "gcp" resource plugin
// (see sim/cmd/pulumi-resource-gcp). Its state lives in a directory shared by every plugin
// process, so two stacks (a producer and a consumer organisation) deployed by two engines
// see each other's resources the way two projects in Google Cloud do.
//
// The rules that Google Cloud enforces, and that the components must respect, are checked
// either statically (Check, naming the offending property) or against the shared state
// (Create, Update, Delete), and fail with errors shaped like the googleapi errors that the
// real provider reports.
package gcpsim
