// Package psc holds the cloudrun-psc components: a Cloud Run service published privately through
// Private Service Connect (ProducerService), the endpoint that reaches it from another
// organisation's VPC (ConsumerEndpoint), and the private DNS name consumers call (DnsBinding).
//
// Every component validates all of its inputs before it registers a child, returns every problem
// at once (each naming its input path), and is secure by default: Cloud Run ingress stays internal,
// invoker IAM stays on (callerAuth iam; network is an explicit opt-in that warns), PSC connections are accepted manually and TLS keys stay secret.
package psc

// Schema tokens: the nested input types (SubnetArgs, CloudRunArgs, ...) name themselves in the
// schema without the Go "Args" suffix (a.SetToken in their Annotate methods), because the SDK
// generators append "Args" to input types themselves; otherwise every SDK would read
// CloudRunArgsArgs.

// Plain inputs and Inputs. Every nested field is either a pulumi Input, which takes an Output (a
// value from another resource, unknown at preview, or a secret) and is validated when it is
// known and again, naming its input path, when it resolves; or a plain Go value, which the
// served schema marks plain (provider/plain.go derives that from these Go types), because the
// component decides from it which children to create or checks it before creating any. Defaults
// are applied by withDefaults, not by the schema, so the SDKs never lift a nested object into an
// Output. The table is held to the Go types by provider/plain_doc_test.go: a row that names a
// field that does not exist, or gives it another kind than provider/plain.go derives, fails it.
//
//	type / field                           kind    why
//	Subnet.ipCidrRange                     plain   creates the subnet; overlaps checked at preview
//	Subnet.selfLink                        Input   an existing or same-program subnet
//	CloudRun.existingServiceName           plain   whether a service is created
//	CloudRun.image, serviceAccount, env    Input   from a build step, a created account, secrets
//	CloudRun.invokers[]                    Input   a created account's member; one binding (see Invokers)
//	CloudRun.customAudiences[]             Input   computed URLs
//	CloudRun.port, minInstances,
//	  maxInstances                         plain   numbers checked at preview (port: *int, 0 refused)
//	CloudRun.cpu, memory                   plain   quantities checked at preview
//	CloudRun.allowUnauthenticated,
//	  disableDefaultUrl, deletionProtection plain  switches that add grants or change the service
//	CloudRun.vpcEgress                     plain   object, with Inputs inside (below)
//	VpcEgress.network, subnetwork,
//	  connector                            Input   a created VPC, subnet or connector
//	VpcEgress.networkTags[]                Input   names that may come from other resources
//	VpcEgress.egress                       plain   an enum checked at preview
//	Tls.certificatePem, privateKeyPem      Input   secret configuration; stay secret on the certificate
//	Tls.certificateManagerCertificates[]   Input   created certificates
//	Tls.sslPolicy                          Input   a created policy's self link
//	ConsumerAccept.projectIdOrNum,
//	  networkUrl                           Input   a created project or VPC (exactly-one-of: given)
//	ConsumerAccept.connectionLimit         plain   summed against NAT capacity at preview
//	ConsumerStack.*                        plain   names a StackReference child
//	ProducerService.rejectedConsumers[]    Input   created projects or VPCs
//	ProducerService.domainNames[]          plain   need proven ownership; never change
//	EndpointFirewall.clientRanges[],
//	  clientTags[]                         Input   a created subnet's range, created tags
//	EndpointFirewall.ports[], priority     plain   numbers checked at preview (priority: *int, 0 valid)
//	DnsBinding.networks                    Input   a list of Inputs (each a VPC's selfLink, say)
//	DnsBinding.ttl                         plain   *int checked at preview, 0 refused
//	CloudRun.callerAuth, organizationDomain plain  an enum that decides the grants; a domain for warnings
//	BackendService.securityPolicy          Input   a created RegionSecurityPolicy's selfLink
//	BackendService.logConfig,
//	  outlierDetection, timeoutSec         plain   numbers checked at preview (ranges, at least one field)
//	ProducerService.allowGlobalAccess      plain   a switch that widens access and warns
//	*.labels                               plain   checked at preview (Google's label format)
//	*.networkProject                       plain   where subnets are created and looked up (Shared VPC)
//	ConsumerEndpoint.serviceDirectoryRegistrations plain  names checked at preview; ForceNew
//	Route.key, hosts[], pathPrefix         plain   name the route's children and shape the URL map, checked at preview
//	Route.cloudRun                         plain   object, as CloudRun above
//
// Lists of Inputs are themselves plain: their length decides what is checked and created. Every
// top-level object (cloudRun, tls, the subnets, firewall, consumers) is plain for the same reason.
