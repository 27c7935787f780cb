package spec

import "fmt"

// The consumer-scale graph (bench section 6): one stack with a producer VPC and one
// ProducerService whose service attachment accepts N consumers, given either as N `consumers`
// entries or as N `consumerStacks`, each a stack of project ConsumerStackProject that exports its
// consumer project as ConsumerOutput. No consumer endpoint is deployed: what grows is the
// producer's accept list.
const (
	ConsumersConfig      = "consumers"      // configuration key: how many consumers the attachment accepts
	ConsumerModeConfig   = "consumerMode"   // configuration key: ConsumerEntries or ConsumerStacks
	ConsumerEntries      = "entries"        // the consumers are `consumers` entries
	ConsumerStacks       = "stacks"         // the consumers are read from `consumerStacks`
	ConsumerStackProject = "bench-consumer" // the Pulumi project of the consumer stacks
	ConsumerOutput       = "consumerProject"
	// ConsumerProjectConfig is the configuration key (of ConsumerStackProject) that tells a
	// consumer stack the project it exports.
	ConsumerProjectConfig = "consumerProject"
	// ConsumersNATRange is the producer's NAT subnet: a /22, an address for each of the 501
	// consumers of the largest default run (one connection each).
	ConsumersNATRange = "10.20.0.0/22"
)

// ConsumerProjectID is the project of the i-th consumer: a valid project id, distinct for every i.
func ConsumerProjectID(i int) string { return fmt.Sprintf("consumer-prj-%04d", i) }

// ConsumerStackName is the stack name of the i-th consumer.
func ConsumerStackName(i int) string { return fmt.Sprintf("c%04d", i) }

// ConsumerStackRef is the fully qualified name of the i-th consumer's stack on a file backend.
func ConsumerStackRef(i int) string {
	return "organization/" + ConsumerStackProject + "/" + ConsumerStackName(i)
}
