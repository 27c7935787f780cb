// The cloudrun-psc policy pack: the secure-by-default rules of rules.ts as CrossGuard policies.
// Each raw-resource rule is mandatory by default; explicit-opt-in and internal-https-ca-issued (a
// recommendation, not a secure-by-default invariant) are advisory. Every level can be
// changed per rule with a policy pack config file (`--policy-pack-config`), e.g.
// {"lb-internal-managed": "advisory", "explicit-opt-in": "mandatory"}.
import { EnforcementLevel, PolicyPack, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
// The framework's unknown-value sentinels and proxy accessor are internal (not in its typings).
import * as proxyModule from "@pulumi/policy/proxy";
const proxy = proxyModule as any;

import { CA_ISSUED, check, Context, Finding, OPT_IN, optIns, Res, RULES, UNKNOWN } from "./rules";

// The rules advisory by default; every other is mandatory.
const advisory = [OPT_IN, CA_ISSUED];

const sentinels = new Set<any>([
    proxy.unknownBooleanValue, proxy.unknownNumberValue, proxy.unknownStringValue, proxy.unknownArrayValue,
    proxy.unknownAssetValue, proxy.unknownArchiveValue, proxy.unknownObjectValue,
]);

// plain copies the analyzer's inputs (read past the framework's proxy, which throws on an
// unknown value) with every unknown value replaced by UNKNOWN.
function plain(v: any): any {
    if (sentinels.has(v)) {
        return UNKNOWN;
    }
    if (Array.isArray(v)) {
        return v.map(plain);
    }
    if (v !== null && typeof v === "object") {
        const out: Record<string, any> = {};
        for (const k of Object.keys(v)) {
            out[k] = plain(v[k]);
        }
        return out;
    }
    return v;
}

const ctx = new Context();

// findings runs every rule once per resource and keeps the result for the other policies of the
// same resource (the framework calls each policy in turn with the same resource). The key holds
// the inputs too: `pulumi up` analyzes a resource at its preview, with unknown values, and again
// at its update, with them known.
let last: { key: string; found: Finding[] } | undefined;
function findings(args: ResourceValidationArgs): Finding[] {
    const target = (args.props as any)[proxy.getSpecialProxyTarget] ?? args.props;
    const key = args.urn + "\n" + JSON.stringify(target);
    if (last?.key !== key) {
        const r: Res = { type: args.type, name: args.name, urn: args.urn, parent: args.opts.parent, props: plain(target) };
        ctx.record(r);
        last = { key, found: [...check(r, ctx), ...optIns(r)] };
    }
    return last.found;
}

const policies: ResourceValidationPolicy[] = RULES.map(rule => ({
    name: rule.id,
    description: rule.description,
    enforcementLevel: (advisory.includes(rule.id) ? "advisory" : "mandatory") as EnforcementLevel,
    validateResource: (args, reportViolation) => {
        for (const f of findings(args)) {
            if (f.rule === rule.id) {
                reportViolation(f.message);
            }
        }
    },
}));

new PolicyPack("cloudrun-psc", { policies });
