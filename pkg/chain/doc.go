// Package chain holds what cloudrun-psc knows of the Private Service Connect chain, each fact
// once: the Pulumi type tokens of its resources, its links in the order a request crosses them,
// each PSC connection status with its cause and fix, the NAT address arithmetic, and how a Google
// Cloud reference names its project, region and resource.
//
// The components (pkg/psc), doctor (pkg/doctor), the tests and the bench import it. The simulator
// (sim/) does not: it is the independent oracle, and its agreement with this package is a test,
// not shared code.
package chain
