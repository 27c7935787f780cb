package psc

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The shapes of the inputs that name something (a network, a subnet, a stack, a service account,
// a connector, an SSL policy): each is checked at preview when it is known, naming the input, so
// that none is left for the engine or the API to refuse part-way through an up.
var (
	// A Pulumi stack reference across projects: organization/project/stack, each part of the
	// characters Pulumi allows in names.
	stackNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$`)
	// A stack output name: no white space and no slash.
	outputNameRe      = regexp.MustCompile(`^[^\s/]+$`)
	serviceAccountRe  = regexp.MustCompile(`^[a-z0-9][-a-z0-9_.]*@[a-z0-9][-a-z0-9.]*\.[a-z]+$`)
	connectorPathRe   = regexp.MustCompile(`^projects/[^/]+/locations/[a-z]+-[a-z]+[0-9]+/connectors/[a-z][-a-z0-9]*$`)
	regionalPolicyRe  = regexp.MustCompile(`^(?:projects/[^/]+/)?regions/[^/]+/sslPolicies/[a-z]([-a-z0-9]*[a-z0-9])?$`)
	globalPolicyRe    = regexp.MustCompile(`^(?:projects/[^/]+/)?global/sslPolicies/[a-z]([-a-z0-9]*[a-z0-9])?$`)
	globalNetworkPath = regexp.MustCompile(`^global/networks/[^/]+$`)
)

// checkNetworkRef checks a VPC network given by name, global/networks/N, projects/P/global/networks/N
// or a self link.
func checkNetworkRef(s string) error {
	path := trimComputePrefix(s)
	if resourceNameRe.MatchString(path) || globalNetworkPath.MatchString(path) || networkPathRe.MatchString(path) {
		return nil
	}
	return fmt.Errorf("must be a VPC network: a name, projects/PROJECT/global/networks/NAME or its self link, got %q", s)
}

// checkSubnetShape checks a subnet given by name, path or self link (parseSubnetRef's forms).
func checkSubnetShape(s string) error {
	if _, err := parseSubnetRef(s, "", ""); err != nil {
		return fmt.Errorf("must be a subnet: a name, projects/PROJECT/regions/REGION/subnetworks/NAME or its self link, got %q", s)
	}
	return nil
}

// checkStackName checks a fully qualified stack name for a StackReference.
func checkStackName(s string) error {
	if !stackNameRe.MatchString(s) {
		return fmt.Errorf("must be a fully qualified stack name ORGANIZATION/PROJECT/STACK, such as acme/payments-producer/prod, got %q", s)
	}
	return nil
}

// checkOutputName checks the name of a stack output to read.
func checkOutputName(s string) error {
	if !outputNameRe.MatchString(s) {
		return fmt.Errorf("must be a stack output name such as serviceAttachmentUri, got %q", s)
	}
	return nil
}

// checkServiceAccount checks a service account email.
func checkServiceAccount(s string) error {
	if !serviceAccountRe.MatchString(s) {
		return fmt.Errorf("must be a service account email such as payments@PROJECT.iam.gserviceaccount.com, got %q", s)
	}
	return nil
}

// checkConnector checks a Serverless VPC Access connector reference.
func checkConnector(s string) error {
	if !connectorPathRe.MatchString(strings.TrimPrefix(s, "//vpcaccess.googleapis.com/")) && !resourceNameRe.MatchString(s) {
		return fmt.Errorf("must be a Serverless VPC Access connector projects/PROJECT/locations/REGION/connectors/NAME (or its name), got %q", s)
	}
	return nil
}

// checkKnown runs check on an input when its value is known now and not empty; an Output is
// checked by the API when it resolves.
func checkKnown(p *problems, path string, in pulumi.StringInput, check func(string) error) {
	if in == nil {
		return
	}
	if v, ok := knownString(in); ok && v != "" {
		p.add(path, check(v))
	}
}
