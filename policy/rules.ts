// The secure-by-default rules of cloudrun-psc, and the advisory ones (explicit-opt-in,
// internal-https-ca-issued), as pure functions over a resource's type and inputs.
// index.ts serves them as a CrossGuard policy pack; the rule IDs are the policy names, and the same
// IDs name the invariants of tests/secure (secure.RuleIDs; the advisory rules secure.OptInRule
// and secure.CAIssuedRule, which are no invariants). testdata/fixtures.json holds cases
// that both this pack (tests/policy, through the CLI) and tests/secure (Go) must judge alike.

import { Finding as Explained, OPT_INS, OptIn } from "./optins";

/** One resource as the analyzer sees it: its type, name, URN, parent URN and inputs. */
export interface Res {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    props: Record<string, any>;
}

/** A broken rule: the rule's ID and a message naming the resource, what is wrong and the fix. */
export interface Finding {
    rule: string;
    message: string;
}

// The rule IDs, as the policy names and tests/secure's RuleIDs spell them.
export const INGRESS = "cloudrun-ingress-internal";
export const INVOKER = "cloudrun-no-public-invoker";
export const LB = "lb-internal-managed";
export const EXTERNAL = "no-external-address-or-rule";
export const ATTACHMENT = "attachment-accept-manual";
export const DNS = "dns-zone-private";
export const KEY = "tls-key-secret";
export const OPT_IN = "explicit-opt-in";
export const CA_ISSUED = "internal-https-ca-issued";

/** Every rule with its description, for the pack and its README table. */
export const RULES: { id: string; description: string }[] = [
    { id: INGRESS, description: "A Cloud Run service has ingress INGRESS_TRAFFIC_INTERNAL_ONLY (unset means INGRESS_TRAFFIC_ALL)." },
    { id: INVOKER, description: "No IAM member, binding or policy grants allUsers or allAuthenticatedUsers, and no Cloud Run service turns invoker IAM off." },
    { id: LB, description: "Every backend service and load-balancer forwarding rule has loadBalancingScheme INTERNAL_MANAGED." },
    { id: EXTERNAL, description: "No address or forwarding rule is external (unset addressType and scheme mean EXTERNAL); a PSC endpoint has no scheme." },
    { id: ATTACHMENT, description: "A PSC service attachment has connectionPreference ACCEPT_MANUAL." },
    { id: DNS, description: "A Cloud DNS managed zone is private (unset visibility means public)." },
    { id: KEY, description: "A PEM private key appears only in a property the provider keeps secret (privateKey of an SSL certificate, tls.privateKeyPem of ProducerService)." },
    {
        id: OPT_IN,
        description: "A cloudrun-psc component uses a documented opt-in that widens access (" +
            [...new Set(OPT_INS.map(o => name(o, o.input)))].join(", ") + "): acknowledged, advisory.",
    },
    {
        id: CA_ISSUED,
        description: "Internal HTTPS uses a certificate that renews itself: a ProducerService with a self-managed " +
            "tls.certificatePem, or an SSL certificate or self-managed Certificate Manager certificate (outside such a " +
            "ProducerService, whose finding covers it), is renewed by hand (advisory; tls.private or tls.managed, or a " +
            "Certificate Manager certificate with managed.issuanceConfig or managed.domains, passes).",
    },
];

// The cloudrun-psc component whose inputs may hold a private key (SECRET_KEY_PROPS).
export const PRODUCER = "cloudrun-psc:index:ProducerService";

/** name is how the opt-in set at path is named: the path, and the value unless it is a switch. */
export function name(o: OptIn, path: string): string {
    return o.value === true ? path : `${path} ${o.value}`;
}

/** says is what a component warns about the opt-in set at path, and the pack acknowledges. */
export function says(o: OptIn, path: string): string {
    return `${name(o, path)} ${o.widens}`;
}

/** setIn returns the paths at which props set the opt-in, each "[]" of its input an index. */
export function setIn(o: OptIn, props: any): string[] {
    const out: string[] = [];
    const walk = (v: any, path: string, rest: string[]) => {
        if (rest.length === 0) {
            if (v === o.value) {
                out.push(path);
            }
            return;
        }
        const list = rest[0].endsWith("[]");
        const key = list ? rest[0].slice(0, -2) : rest[0];
        const p = path === "" ? key : `${path}.${key}`;
        const next = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
        if (!list) {
            walk(next, p, rest.slice(1));
        } else if (Array.isArray(next)) {
            next.forEach((e, i) => walk(e, `${p}[${i}]`, rest.slice(1)));
        }
    };
    walk(props, "", o.input.split("."));
    return out;
}

// handled marks the findings check() lets through on a component's child when the component sets
// an opt-in that explains them: tsc refuses this file when optins.ts (generated from the Go list)
// names a finding that is not handled here.
const handled: Record<Explained, true> = {
    "public-invoker": true,
    "invoker-iam-disabled": true,
    "accept-automatic": true,
};
for (const o of OPT_INS) {
    if (o.explains !== "" && !handled[o.explains]) {
        throw new Error(`opt-in ${o.input} explains ${o.explains}, which the pack does not handle`);
    }
}

const runServices = ["gcp:cloudrunv2/service:Service"];
const backends = ["gcp:compute/regionBackendService:RegionBackendService", "gcp:compute/backendService:BackendService"];
const fwdRules = ["gcp:compute/forwardingRule:ForwardingRule", "gcp:compute/globalForwardingRule:GlobalForwardingRule"];
const addresses = ["gcp:compute/address:Address", "gcp:compute/globalAddress:GlobalAddress"];
const attachments = ["gcp:compute/serviceAttachment:ServiceAttachment"];
const zones = ["gcp:dns/managedZone:ManagedZone"];
const publicPrincipals = ["allUsers", "allAuthenticatedUsers"];
const regionSslCertificate = "gcp:compute/regionSslCertificate:RegionSslCertificate";
const sslCertificate = "gcp:compute/sslCertificate:SslCertificate";
const cmCertificate = "gcp:certificatemanager/certificate:Certificate";
// The certificates renewed by hand (CA_ISSUED): a compute SSL certificate is always self-managed
// (Google-managed ones are ManagedSslCertificate, global and external only); a Certificate Manager
// certificate is when it has selfManaged.
const sslCertificates = [regionSslCertificate, sslCertificate];

/** The properties whose provider schema makes them secret: a private key may live there. */
export const SECRET_KEY_PROPS: Record<string, string[][]> = {
    [regionSslCertificate]: [["privateKey"]],
    [sslCertificate]: [["privateKey"]],
    // Sensitive in terraform-provider-google-beta v6.49.2 (self_managed.pem_private_key); the
    // certificate a ProducerService in several regions makes of tls.privateKeyPem.
    [cmCertificate]: [["selfManaged", "pemPrivateKey"]],
    [PRODUCER]: [["tls", "privateKeyPem"]],
};

const privateKeyMarker = "PRIVATE KEY";

/**
 * UNKNOWN stands for a value the engine does not know yet (an output of a resource not yet
 * created, at preview). A rule never fails on it: at `up` the engine analyzes the resource again
 * with the value known, and `pulumi policy analyze` reads it from the state.
 */
export const UNKNOWN: unique symbol = Symbol("unknown");

/**
 * Context remembers, across one deployment, the components seen and the findings their opt-ins
 * explain, so that a child resource the opt-in produces is recognised as such. The engine analyzes
 * a component before its children, and `pulumi policy analyze` reads the state in the same order.
 */
export class Context {
    private parents = new Map<string, string | undefined>();
    private types = new Map<string, string>();
    private explained = new Map<string, Set<Explained>>();
    private selfManaged = new Set<string>();

    /**
     * record notes a resource's parent and type and, for a component, what its opt-ins explain and
     * whether CA_ISSUED reports it (its certificates are then its own finding's). Idempotent.
     */
    record(r: Res): void {
        this.parents.set(r.urn, r.parent);
        this.types.set(r.urn, r.type);
        if (selfManagedTls(r)) {
            this.selfManaged.add(r.urn);
        }
        const on = new Set<Explained>();
        for (const o of OPT_INS) {
            if (o.component === r.type && o.explains !== "" && setIn(o, r.props).length > 0) {
                on.add(o.explains);
            }
        }
        if (on.size > 0) {
            this.explained.set(r.urn, on);
        }
    }

    /** explains reports whether r (recorded first) or one of its ancestors sets an opt-in that explains f. */
    explains(r: Res, f: Explained): boolean {
        const seen = new Set<string>();
        for (let urn: string | undefined = r.urn; urn && !seen.has(urn); urn = this.parents.get(urn)) {
            seen.add(urn);
            if (this.explained.get(urn)?.has(f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * producer returns r's nearest ProducerService ancestor (recorded first): its URN, and whether
     * CA_ISSUED reports it (a self-managed tls.certificatePem among its inputs).
     */
    producer(r: Res): { urn: string; selfManaged: boolean } | undefined {
        const seen = new Set<string>([r.urn]);
        for (let urn = this.parents.get(r.urn); urn && !seen.has(urn); urn = this.parents.get(urn)) {
            seen.add(urn);
            if (this.types.get(urn) === PRODUCER) {
                return { urn, selfManaged: this.selfManaged.has(urn) };
            }
        }
        return undefined;
    }
}

function str(props: Record<string, any>, key: string): string {
    const v = props[key];
    return typeof v === "string" ? v : "";
}

// unknown reports whether any of the keys of props is not known yet.
function unknown(props: Record<string, any>, ...keys: string[]): boolean {
    return keys.some(k => props[k] === UNKNOWN);
}

/** check returns every finding of the raw-resource rules for r, the opt-ins of ctx applied. */
export function check(r: Res, ctx: Context): Finding[] {
    const out: Finding[] = [];
    const fail = (rule: string, what: string, fix: string) =>
        out.push({ rule, message: `${r.type} '${r.name}': ${what}. Fix: ${fix}.` });
    const p = r.props;

    if (runServices.includes(r.type) && p["invokerIamDisabled"] === true && !ctx.explains(r, "invoker-iam-disabled")) {
        fail(INVOKER, "invokerIamDisabled is true: anyone who reaches the service can call it",
            "remove invokerIamDisabled and grant roles/run.invoker to the callers' service accounts (ProducerService cloudRun.callerAuth network is the explicit opt-in)");
    }
    if (runServices.includes(r.type) && !unknown(p, "ingress")) {
        const ingress = str(p, "ingress");
        if (ingress !== "INGRESS_TRAFFIC_INTERNAL_ONLY") {
            fail(INGRESS, `ingress is ${JSON.stringify(ingress)} (unset means INGRESS_TRAFFIC_ALL: the service's own URL is public)`,
                "set ingress: INGRESS_TRAFFIC_INTERNAL_ONLY, or publish it with cloudrun-psc's ProducerService");
        }
    } else if (backends.includes(r.type) && !unknown(p, "loadBalancingScheme")) {
        const scheme = str(p, "loadBalancingScheme");
        if (scheme !== "INTERNAL_MANAGED") {
            fail(LB, `loadBalancingScheme is ${JSON.stringify(scheme)} (unset means EXTERNAL)`,
                "set loadBalancingScheme: INTERNAL_MANAGED (a regional internal Application Load Balancer)");
        }
    } else if (fwdRules.includes(r.type) && !unknown(p, "loadBalancingScheme", "target")) {
        const scheme = str(p, "loadBalancingScheme");
        const target = str(p, "target");
        const pscEndpoint = scheme === "" && target.includes("/serviceAttachments/");
        if (!pscEndpoint) {
            if (scheme === "" || scheme.startsWith("EXTERNAL")) {
                fail(EXTERNAL, `loadBalancingScheme is ${JSON.stringify(scheme)} (unset means EXTERNAL) with target ${JSON.stringify(target)}: an external forwarding rule in front of a private service`,
                    "use loadBalancingScheme: INTERNAL_MANAGED, or target a service attachment (a PSC endpoint)");
            } else if (scheme !== "INTERNAL_MANAGED") {
                fail(LB, `loadBalancingScheme is ${JSON.stringify(scheme)}`, "set loadBalancingScheme: INTERNAL_MANAGED");
            }
        }
    } else if (addresses.includes(r.type) && !unknown(p, "addressType")) {
        const t = str(p, "addressType");
        if (t !== "INTERNAL") {
            fail(EXTERNAL, `addressType is ${JSON.stringify(t)} (unset means EXTERNAL: a public IP)`,
                "set addressType: INTERNAL with a subnetwork");
        }
    } else if (attachments.includes(r.type) && !unknown(p, "connectionPreference")) {
        const pref = str(p, "connectionPreference");
        if (pref !== "ACCEPT_MANUAL" && !(pref === "ACCEPT_AUTOMATIC" && ctx.explains(r, "accept-automatic"))) {
            fail(ATTACHMENT, `connectionPreference is ${JSON.stringify(pref)}: any project that knows the attachment may connect`,
                "set connectionPreference: ACCEPT_MANUAL with consumerAcceptLists (ProducerService does; acceptAllConsumers is its explicit opt-in)");
        }
    } else if (zones.includes(r.type) && !unknown(p, "visibility")) {
        const vis = str(p, "visibility");
        if (vis !== "private") {
            fail(DNS, `visibility is ${JSON.stringify(vis)} (unset means public): the private service's name would be a public record`,
                "set visibility: private with privateVisibilityConfig networks (DnsBinding does)");
        }
    }

    const principal = publicPrincipal(p);
    if (principal && !ctx.explains(r, "public-invoker")) {
        fail(INVOKER, `grants ${principal}: anyone on the internet (or with any Google account) may call it`,
            "grant the callers' service accounts instead (ProducerService cloudRun.invokers); allowUnauthenticated is the explicit opt-in");
    }

    const renewed = renewedByHand(r, ctx);
    if (renewed) {
        fail(CA_ISSUED, renewed.what, renewed.fix);
    }

    const leak = plainKey(r.type, p);
    if (leak) {
        fail(KEY, `${leak} holds a PEM private key in a property that is not secret: it would be stored in plain text in the stack state`,
            "pass the key only as the certificate's privateKey or ProducerService tls.privateKeyPem, wrapped with pulumi.secret()");
    }
    return out;
}

/** optIns returns an acknowledgement for each explicit opt-in a component sets. */
export function optIns(r: Res): Finding[] {
    const out: Finding[] = [];
    for (const o of OPT_INS) {
        if (o.component !== r.type) {
            continue;
        }
        for (const path of setIn(o, r.props)) {
            out.push({
                rule: OPT_IN,
                message: `${r.type} '${r.name}': explicit opt-in ${says(o, path)}. ` +
                    `Acknowledged, not a violation; to forbid it set ${OPT_IN} to mandatory, to silence it set it to disabled.`,
            });
        }
    }
    return out;
}

// selfManagedTls reports whether r is a ProducerService whose inputs set tls.certificatePem (a
// self-managed pair; its value, not known at preview when another resource makes it, does not
// matter). The components register only their opt-ins as inputs (pkg/psc/optins.go), so the pack
// usually sees no tls on one: its certificate is reported instead (renewedByHand).
function selfManagedTls(r: Res): boolean {
    if (r.type !== PRODUCER) {
        return false;
    }
    const tls = r.props["tls"];
    const pem = tls !== null && typeof tls === "object" ? tls["certificatePem"] : undefined;
    return pem === UNKNOWN || (typeof pem === "string" && pem !== "");
}

// renewedByHand returns what CA_ISSUED says of r when it is an HTTPS certificate nobody renews but
// its owner: a ProducerService's self-managed tls.certificatePem, or a self-managed certificate
// (a compute SSL certificate, a Certificate Manager certificate with selfManaged) but one under a
// ProducerService that is reported itself, whose finding covers it: each is reported once.
function renewedByHand(r: Res, ctx: Context): { what: string; fix: string } | undefined {
    if (selfManagedTls(r)) {
        return {
            what: "tls.certificatePem is a self-managed certificate: it is renewed by hand, and internal HTTPS fails when it expires",
            fix: "use tls.private (a CA Service pool issues it, Google renews it; createCa makes the pool and its root CA) or, for a public name, tls.managed",
        };
    }
    const p = r.props;
    const selfManaged = sslCertificates.includes(r.type) ||
        (r.type === cmCertificate && p["selfManaged"] !== null && typeof p["selfManaged"] === "object");
    const producer = selfManaged ? ctx.producer(r) : undefined;
    if (!selfManaged || producer?.selfManaged) {
        return undefined;
    }
    if (producer) {
        return {
            what: `a self-managed certificate of ProducerService '${producer.urn.slice(producer.urn.lastIndexOf("::") + 2)}' (tls.certificatePem): ` +
                "it is renewed by hand, and internal HTTPS fails when it expires",
            fix: "give the ProducerService tls.private (a CA Service pool issues it, Google renews it) or, for a public name, tls.managed",
        };
    }
    return {
        what: "a self-managed certificate: it is renewed by hand, and internal HTTPS fails when it expires",
        fix: "use a Certificate Manager certificate with managed.issuanceConfig (issued by a CA Service pool, renewed by Google), " +
            "or publish the service with cloudrun-psc's ProducerService tls.private",
    };
}

// publicPrincipal returns the public principal an IAM member, binding or policy grants, if any.
function publicPrincipal(p: Record<string, any>): string | undefined {
    const members: string[] = [];
    if (typeof p["member"] === "string") {
        members.push(p["member"]);
    }
    if (Array.isArray(p["members"])) {
        members.push(...p["members"].filter((m: any) => typeof m === "string"));
    }
    if (typeof p["policyData"] === "string") {
        members.push(p["policyData"]);
    }
    for (const m of members) {
        for (const pub of publicPrincipals) {
            if (m === pub || (m.startsWith("{") && m.includes(`"${pub}"`))) {
                return pub;
            }
        }
    }
    return undefined;
}

// plainKey returns the path of the first string holding a PEM private key outside the
// properties the provider keeps secret.
function plainKey(type: string, props: Record<string, any>): string | undefined {
    const allowed = (SECRET_KEY_PROPS[type] || []).map(path => path.join("."));
    const walk = (v: any, path: string): string | undefined => {
        if (allowed.includes(path)) {
            return undefined;
        }
        if (typeof v === "string") {
            return v.includes(privateKeyMarker) ? path : undefined;
        }
        if (v !== null && typeof v === "object") {
            for (const k of Object.keys(v).sort()) {
                const found = walk(v[k], path === "" ? k : Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`);
                if (found) {
                    return found;
                }
            }
        }
        return undefined;
    };
    return walk(props, "");
}
