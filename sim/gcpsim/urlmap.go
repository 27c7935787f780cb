package gcpsim

import (
	"fmt"
	"regexp"
	"strings"
)

// URL map rules beyond defaultService (docs/gcp-rules.md, URLMAP-*): what the provider refuses at
// plan, what the API refuses, and how a request is matched to a backend service or answered by
// the load balancer itself.

// urlMapDefaults are the provider's ExactlyOneOf of a regional URL map's default
// (URLMAP-DEFAULT): `TPG:compute/resource_compute_region_url_map.go:501`, `:518`, `:591`.
var urlMapDefaults = []string{"defaultService", "defaultUrlRedirect", "defaultRouteAction.weightedBackendServices"}

// urlMapRouteActionGroups are the provider's AtLeastOneOf groups inside a URL map's
// defaultRouteAction: an empty block is refused at plan (fidelity table, at-least-one-of).
var urlMapRouteActionGroups = func() [][]string {
	in := func(block string, fields ...string) []string {
		for i, f := range fields {
			fields[i] = block + "." + f
		}
		return fields
	}
	const action, fault = "defaultRouteAction", "defaultRouteAction.faultInjectionPolicy"
	return [][]string{
		in(action, "corsPolicy", "faultInjectionPolicy", "requestMirrorPolicy", "retryPolicy", "timeout", "urlRewrite", "weightedBackendServices"),
		in(action+".corsPolicy", "allowCredentials", "allowHeaders", "allowMethods", "allowOriginRegexes", "allowOrigins", "disabled",
			"exposeHeaders", "maxAge"),
		in(fault, "abort", "delay"),
		in(fault+".abort", "httpStatus", "percentage"),
		in(fault+".delay", "fixedDelay", "percentage"),
		in(fault+".delay.fixedDelay", "nanos", "seconds"),
		in(action+".retryPolicy", "numRetries", "perTryTimeout", "retryConditions"),
		in(action+".retryPolicy.perTryTimeout", "nanos", "seconds"),
		in(action+".timeout", "nanos", "seconds"),
		in(action+".urlRewrite", "hostRewrite", "pathPrefixRewrite"),
	}
}()

// urlRedirectCodes are the redirect response codes the provider takes in every urlRedirect.
var urlRedirectCodes = []string{"FOUND", "MOVED_PERMANENTLY_DEFAULT", "PERMANENT_REDIRECT", "SEE_OTHER", "TEMPORARY_REDIRECT"}

// checkURLMapPlan is the provider's plan-time rule of a URL map beyond the field properties (its
// default, URLMAP-DEFAULT, and the redirect beside a route action are conflicts and groups of the
// kind): fault-injection aborts in range (URLMAP-ABORT).
func checkURLMapPlan(in obj, f *failures) {
	checkAbort(in.sub("defaultRouteAction"), "defaultRouteAction", f)
	for i, m := range in.objs("pathMatchers") {
		checkAbort(m.sub("defaultRouteAction"), fmt.Sprintf("pathMatchers[%d].defaultRouteAction", i), f)
		for j, r := range m.objs("pathRules") {
			checkAbort(r.sub("routeAction"), fmt.Sprintf("pathMatchers[%d].pathRules[%d].routeAction", i, j), f)
		}
	}
}

// checkAbort is the provider's ValidateFunc of a fault-injection abort (URLMAP-ABORT):
// httpStatus 200–599, percentage 0–100 (`TPG:compute/resource_compute_region_url_map.go:186`, `:194`).
func checkAbort(action obj, path string, f *failures) {
	abort := action.sub("faultInjectionPolicy").sub("abort")
	if s, ok := abort.num("httpStatus"); ok && (s < 200 || s > 599) {
		f.add(path+".faultInjectionPolicy.abort.httpStatus", "expected httpStatus to be in the range (200 - 599), got %v", s)
	}
	if p, ok := abort.num("percentage"); ok && (p < 0 || p > 100) {
		f.add(path+".faultInjectionPolicy.abort.percentage", "expected percentage to be in the range (0.000000 - 100.000000), got %v", p)
	}
}

// urlMapHostRe is a host rule's host as the API takes it: a hostname, optionally with a port,
// or a pattern whose * is first and followed by - or . (URLMAP-HOSTS).
var urlMapHostRe = regexp.MustCompile(`^(\*|(\*[-.])?[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(:[0-9]{1,5})?$`)

// checkURLMapAPI is what the API refuses in a URL map request: host rules that name undefined
// path matchers, path matchers named twice (URLMAP-MATCHERS), hosts that are not hostnames or
// patterns (URLMAP-HOSTS), path patterns that do not start with / or hold a * elsewhere than a
// final /*, or ? or # (URLMAP-PATHS), and path matchers with both pathRules and routeRules.
func checkURLMapAPI(in obj, f *failures) {
	matchers := map[string]bool{}
	for i, m := range in.objs("pathMatchers") {
		name := m.str("name")
		if matchers[name] {
			f.add(fmt.Sprintf("pathMatchers[%d].name", i), "path matcher %q is defined twice", name)
		}
		matchers[name] = true
		if len(m.objs("pathRules")) > 0 && len(m.objs("routeRules")) > 0 {
			f.add(fmt.Sprintf("pathMatchers[%d]", i), "only one of pathRules or routeRules may be set in a path matcher")
		}
		for j, r := range m.objs("pathRules") {
			for _, p := range r.strs("paths") {
				if err := checkURLMapPath(p); err != nil {
					f.add(fmt.Sprintf("pathMatchers[%d].pathRules[%d].paths", i, j), "%v", err)
				}
			}
		}
	}
	for i, h := range in.objs("hostRules") {
		if h.known("pathMatcher") && !matchers[h.str("pathMatcher")] {
			f.add(fmt.Sprintf("hostRules[%d].pathMatcher", i), "path matcher %q is not defined in pathMatchers", h.str("pathMatcher"))
		}
		for _, host := range h.strs("hosts") {
			if !urlMapHostRe.MatchString(host) {
				f.add(fmt.Sprintf("hostRules[%d].hosts", i), "Invalid value for field 'resource.hostRules[%d].hosts': '%s'. Host must be a valid hostname, or a pattern whose * is first and followed by - or .", i, host)
			}
		}
	}
}

// checkURLMapPath checks a path rule's pattern (URLMAP-PATHS).
func checkURLMapPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("path %q must start with /", p)
	case strings.ContainsAny(p, "?#"):
		return fmt.Errorf("path %q must not contain ? or #", p)
	case strings.Contains(strings.TrimSuffix(p, "/*"), "*"):
		return fmt.Errorf("path %q may hold * only at its end, after a /", p)
	}
	return nil
}

// urlMapMatch is where a URL map sends one request: the backend service reference and the field
// that holds it, or a status the load balancer answers itself (a fault-injection abort at 100
// percent, or a redirect).
type urlMapMatch struct {
	field, service string
	status         int
}

// matchRequest follows a request for host and path through a URL map (URLMAP-MATCH): the host
// rule whose host is the request's (an exact host before the longest matching * pattern, *
// last), its path matcher's longest matching path rule, else its default; with no host rule,
// the URL map's default.
func matchRequest(um obj, host, path string) urlMapMatch {
	host = strings.ToLower(host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	matcher, best := "", -1
	for _, h := range um.objs("hostRules") {
		for _, pattern := range h.strs("hosts") {
			if score := hostScore(pattern, host); score > best {
				matcher, best = h.str("pathMatcher"), score
			}
		}
	}
	if best >= 0 {
		for i, m := range um.objs("pathMatchers") {
			if m.str("name") == matcher {
				return matchPath(m, fmt.Sprintf("pathMatchers[%d]", i), path)
			}
		}
	}
	return defaultAction(um, "")
}

// hostScore ranks how a host rule's pattern matches host: -1 not at all, a larger number for a
// more specific pattern (an exact host beats every pattern).
func hostScore(pattern, host string) int {
	pattern = strings.ToLower(pattern)
	if p, _, ok := strings.Cut(pattern, ":"); ok {
		pattern = p
	}
	switch {
	case pattern == host:
		return 1 << 16
	case pattern == "*":
		return 0
	case strings.HasPrefix(pattern, "*") && strings.HasSuffix(host, pattern[1:]) && len(host) > len(pattern)-1:
		return len(pattern)
	}
	return -1
}

// matchPath picks a path matcher's longest matching path rule (their order does not matter),
// else its default.
func matchPath(m obj, at, path string) urlMapMatch {
	best, bestLen := urlMapMatch{}, -1
	for j, r := range m.objs("pathRules") {
		for _, p := range r.strs("paths") {
			ok := p == path
			if strings.HasSuffix(p, "/*") {
				ok = strings.HasPrefix(path, strings.TrimSuffix(p, "*"))
			}
			if ok && len(p) > bestLen {
				field := fmt.Sprintf("%s.pathRules[%d]", at, j)
				best, bestLen = actionOf(r, field, "service", "routeAction"), len(p)
			}
		}
	}
	if bestLen >= 0 {
		return best
	}
	return defaultAction(m, at+".")
}

// defaultAction is the default of a URL map (prefix "") or a path matcher ("pathMatchers[i].").
func defaultAction(o obj, prefix string) urlMapMatch {
	if o.has("defaultUrlRedirect") {
		return urlMapMatch{status: redirectStatus(o.sub("defaultUrlRedirect").str("redirectResponseCode"))}
	}
	return actionOf(o, strings.TrimSuffix(prefix, "."), "defaultService", "defaultRouteAction")
}

// actionOf is what a rule (or a default) holding a service field and a route action does: a
// fault-injection abort of every request answers with its status, else the service, else the
// heaviest weighted backend service.
func actionOf(o obj, at, serviceField, actionField string) urlMapMatch {
	join := func(f string) string {
		if at == "" {
			return f
		}
		return at + "." + f
	}
	action := o.sub(actionField)
	abort := action.sub("faultInjectionPolicy").sub("abort")
	if pct, ok := abort.num("percentage"); ok && pct >= 100 {
		if s, ok := abort.num("httpStatus"); ok {
			return urlMapMatch{status: int(s)}
		}
	}
	if s := o.str(serviceField); s != "" {
		return urlMapMatch{field: join(serviceField), service: s}
	}
	best, weight := urlMapMatch{}, -1.0
	for i, w := range action.objs("weightedBackendServices") {
		if v, _ := w.num("weight"); v > weight {
			best = urlMapMatch{field: join(fmt.Sprintf("%s.weightedBackendServices[%d].backendService", actionField, i)), service: w.str("backendService")}
			weight = v
		}
	}
	return best
}

// redirectStatus is the status of a URL redirect's response code (301 by default).
func redirectStatus(code string) int {
	if s, ok := map[string]int{"FOUND": 302, "SEE_OTHER": 303, "TEMPORARY_REDIRECT": 307, "PERMANENT_REDIRECT": 308}[code]; ok {
		return s
	}
	return 301
}
