// alb-https-only (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/encryption.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { AlbHttpsConfig } from "../../lib/security/encryption";
import { peek, peekString } from "../../lib/values";

export const albHttpsOnly: StackValidationPolicy = {
  name: "alb-https-only",
  description:
    "Every application load balancer has an HTTPS listener with a TLS 1.2+ security policy, and every plain-HTTP listener only redirects to HTTPS.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedSslPolicyPrefixes: {
        type: "array",
        items: { type: "string", minLength: 1 },
        minItems: 1,
        default: ["ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-TLS13-1-3-"],
        description: "Prefixes of allowed ELB security policies (TLS 1.2 minimum). Default the TLS13-1-2 and TLS13-1-3 families.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedSslPolicyPrefixes } = args.getConfig<AlbHttpsConfig>();
    const graph = new ResourceGraph(args.resources);
    const listeners = graph.ofType(TYPES.listener);
    for (const lb of graph.ofType(TYPES.loadBalancer)) {
      if ((peekString(lb.props, "loadBalancerType") ?? "application") !== "application") {
        continue;
      }
      const own = listeners.filter((l) => graph.refs(l, "loadBalancerArn", [TYPES.loadBalancer], ["arn", "id"]).resources.includes(lb));
      const https = own.filter((l) => peekString(l.props, "protocol") === "HTTPS");
      if (https.length === 0) {
        reportViolation(`load balancer ${lb.name} has no HTTPS listener`, lb.urn);
      }
      for (const listener of https) {
        const policy = peekString(listener.props, "sslPolicy");
        if (typeof policy === "string" && !allowedSslPolicyPrefixes.some((p) => policy.startsWith(p))) {
          reportViolation(
            `HTTPS listener ${listener.name} of load balancer ${lb.name} uses security policy ${policy}; allowed: ${allowedSslPolicyPrefixes.map((p) => `${p}*`).join(", ")}`,
            listener.urn,
          );
        } else if (policy === undefined) {
          reportViolation(`HTTPS listener ${listener.name} of load balancer ${lb.name} sets no sslPolicy (the AWS default changes over time)`, listener.urn);
        }
      }
      for (const listener of own.filter((l) => peekString(l.props, "protocol") === "HTTP")) {
        const actions = peek(listener.props, "defaultActions");
        const redirectsOnly =
          Array.isArray(actions) &&
          actions.length > 0 &&
          actions.every((_, i) => peekString(actions, i, "type") === "redirect" && peekString(actions, i, "redirect", "protocol") === "HTTPS");
        if (!redirectsOnly) {
          reportViolation(`HTTP listener ${listener.name} of load balancer ${lb.name} serves traffic instead of redirecting to HTTPS`, listener.urn);
        }
      }
    }
  },
};
