package doctor

import (
	"fmt"

	"github.com/cloudrun-psc/pulumi-cloudrun-psc/pkg/chain"
)

// servingRoute picks the URL map field whose backend service serves the hostname consumers call:
// defaultService in the single-service form; with routes (whose default is a route action that
// answers 404, not a service), the default service of the hostname's path matcher. It also says what the URL
// map does for the link's report. When nothing serves the hostname, it is the URL map's own
// defaultService, whose absence the backend link then reports.
func servingRoute(um map[string]any, hostname string) (field map[string]any, note string) {
	if s := str(um, "defaultService"); s != "" || len(sub(um, "defaultRouteAction")) == 0 {
		return um, "default service " + chain.NameOf(s)
	}
	matcher := ""
	for _, h := range objs(um, "hostRules") {
		for _, host := range strs(h, "hosts") {
			if host == hostname {
				matcher = str(h, "pathMatcher")
			}
		}
	}
	routes := len(objs(um, "hostRules"))
	for _, m := range objs(um, "pathMatchers") {
		if str(m, "name") == matcher && str(m, "defaultService") != "" {
			return map[string]any{"defaultService": str(m, "defaultService")},
				fmt.Sprintf("%d host rule(s); %s served by %s, unmatched requests refused", routes, hostname, chain.NameOf(str(m, "defaultService")))
		}
	}
	return um, "default service " + chain.NameOf(str(um, "defaultService"))
}
