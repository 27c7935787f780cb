// Package psc holds the cloudrun-psc components: a Cloud Run service published privately through
// Private Service Connect (ProducerService), the endpoint that reaches it from another
// organisation's VPC (ConsumerEndpoint), and the private DNS name consumers call (DnsBinding).
//
// Every component validates all of its inputs before it registers a child, returns every problem
// at once (each naming its input path), and is secure by default: Cloud Run ingress stays internal,
// invoker IAM stays on, PSC connections are accepted manually and TLS keys stay secret.
package psc

// Schema tokens: the nested input types (SubnetArgs, CloudRunArgs, ...) name themselves in the
// schema without the Go "Args" suffix (a.SetToken in their Annotate methods), because the SDK
// generators append "Args" to input types themselves; otherwise every SDK would read
// CloudRunArgsArgs.
