package gcpsim

import "crypto/tls"

// clientCertProblems are the problems of a request's client certificate and key (curl's --cert
// and --key): both or neither, the certificate PEM, and the key its own, the proof of possession
// the load balancer checks in every mode (MTLS-MODE).
func (r ClientRequest) clientCertProblems() []RequestProblem {
	var ps []RequestProblem
	switch {
	case r.ClientCert == "" && r.ClientKey == "":
		return nil
	case r.ClientCert == "":
		return []RequestProblem{{Field: "clientCert", Message: "a client key needs its certificate"}}
	case r.ClientKey == "":
		return []RequestProblem{{Field: "clientKey", Message: "a client certificate needs its private key"}}
	}
	if _, err := parsePEMCertificates(r.ClientCert); err != nil {
		return append(ps, RequestProblem{Field: "clientCert", Message: err.Error()})
	}
	if _, err := tls.X509KeyPair([]byte(r.ClientCert), []byte(r.ClientKey)); err != nil {
		ps = append(ps, RequestProblem{Field: "clientKey", Message: "is not the PEM private key of the client certificate"})
	}
	return ps
}
