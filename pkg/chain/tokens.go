package chain

// The type tokens of the components (the schema's, provider/).
const (
	ProducerServiceType  = "cloudrun-psc:index:ProducerService"
	ConsumerEndpointType = "cloudrun-psc:index:ConsumerEndpoint"
	DnsBindingType       = "cloudrun-psc:index:DnsBinding"
)

// The pulumi-gcp resources of the chain, named as the pulumi-gcp Go SDK names them (with the
// module where the name alone is ambiguous).
const (
	NetworkType                       = "gcp:compute/network:Network"
	SubnetworkType                    = "gcp:compute/subnetwork:Subnetwork"
	AddressType                       = "gcp:compute/address:Address"
	ForwardingRuleType                = "gcp:compute/forwardingRule:ForwardingRule"
	FirewallType                      = "gcp:compute/firewall:Firewall"
	ServiceAttachmentType             = "gcp:compute/serviceAttachment:ServiceAttachment"
	RegionTargetHttpProxyType         = "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy"
	RegionTargetHttpsProxyType        = "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy"
	RegionSslCertificateType          = "gcp:compute/regionSslCertificate:RegionSslCertificate"
	RegionSslPolicyType               = "gcp:compute/regionSslPolicy:RegionSslPolicy"
	RegionUrlMapType                  = "gcp:compute/regionUrlMap:RegionUrlMap"
	RegionBackendServiceType          = "gcp:compute/regionBackendService:RegionBackendService"
	RegionSecurityPolicyType          = "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy"
	RegionNetworkEndpointGroupType    = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"
	CloudRunServiceType               = "gcp:cloudrunv2/service:Service"
	CloudRunServiceIamBindingType     = "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding"
	CloudRunServiceIamMemberType      = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
	CertificateManagerCertificateType = "gcp:certificatemanager/certificate:Certificate"
	DnsAuthorizationType              = "gcp:certificatemanager/dnsAuthorization:DnsAuthorization"
	TrustConfigType                   = "gcp:certificatemanager/trustConfig:TrustConfig"
	ServerTlsPolicyType               = "gcp:networksecurity/serverTlsPolicy:ServerTlsPolicy"
	CertificateIssuanceConfigType     = "gcp:certificatemanager/certificateIssuanceConfig:CertificateIssuanceConfig"
	CaPoolType                        = "gcp:certificateauthority/caPool:CaPool"
	CertificateAuthorityType          = "gcp:certificateauthority/authority:Authority"
	CaPoolIamMemberType               = "gcp:certificateauthority/caPoolIamMember:CaPoolIamMember"
	ServiceIdentityType               = "gcp:projects/serviceIdentity:ServiceIdentity"
	ManagedZoneType                   = "gcp:dns/managedZone:ManagedZone"
	RecordSetType                     = "gcp:dns/recordSet:RecordSet"
)

// The global counterparts of chain resources: the cross-region internal Application Load
// Balancer's (INTERNAL_MANAGED) load-balancing resources (global.go pairs them with the regional
// ones), and global addresses, which the chain never uses. They can also be external: the
// secure-by-default checks (tests/secure) look at them.
const (
	GlobalAddressType        = "gcp:compute/globalAddress:GlobalAddress"
	GlobalForwardingRuleType = "gcp:compute/globalForwardingRule:GlobalForwardingRule"
	BackendServiceType       = "gcp:compute/backendService:BackendService"
	URLMapType               = "gcp:compute/uRLMap:URLMap"
	TargetHttpProxyType      = "gcp:compute/targetHttpProxy:TargetHttpProxy"
	TargetHttpsProxyType     = "gcp:compute/targetHttpsProxy:TargetHttpsProxy"
)

// The pulumi-gcp functions the components invoke at preview: the provider's project and region,
// and the existing subnets they are given.
const (
	GetClientConfigFunc = "gcp:organizations/getClientConfig:getClientConfig"
	GetSubnetworkFunc   = "gcp:compute/getSubnetwork:getSubnetwork"
	GetSubnetworksFunc  = "gcp:compute/getSubnetworks:getSubnetworks"
)
