// alb-waf-and-jwt (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/edge.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { EdgeProtectionConfig, actionsOf, judge, onlyOpenPaths } from "../../lib/security/edge";
import { peekBoolean, peekString } from "../../lib/values";

export const albEdgeProtection: StackValidationPolicy = {
  name: "alb-waf-and-jwt",
  description:
    "An internet-facing application load balancer has an AWS WAF web ACL associated, and every listener that forwards to targets verifies a JWT first " +
    "(jwt-validation before forward, on the default action and on every rule), except rules that forward only GET/HEAD of `openPaths`.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      openPaths: {
        type: "array",
        items: { type: "string", pattern: "^/[^*?]*$" },
        default: ["/livez", "/healthz"],
        description: "Exact paths a rule may forward without a token (the liveness and health paths external health checkers and the failover command call). Default [/livez, /healthz].",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { openPaths } = args.getConfig<EdgeProtectionConfig>();
    const graph = new ResourceGraph(args.resources);
    const associations = graph.ofType(TYPES.wafWebAclAssociation);
    const listeners = graph.ofType(TYPES.listener);
    const rules = graph.ofType(TYPES.listenerRule);
    for (const lb of graph.ofType(TYPES.loadBalancer)) {
      if ((peekString(lb.props, "loadBalancerType") ?? "application") !== "application" || peekBoolean(lb.props, "internal") === true) continue;
      const protectedBy = associations.filter((a) => graph.refs(a, "resourceArn", [TYPES.loadBalancer], ["arn", "id"]).resources.includes(lb));
      if (protectedBy.length === 0) {
        reportViolation(`internet-facing load balancer ${lb.name} has no AWS WAF web ACL (no aws.wafv2.WebAclAssociation names it)`, lb.urn);
      }
      for (const association of protectedBy) {
        for (const acl of graph.refs(association, "webAclArn", [TYPES.wafWebAcl], ["arn", "id"]).resources) {
          const scope = peekString(acl.props, "scope");
          if (typeof scope === "string" && scope !== "REGIONAL") {
            reportViolation(`web ACL ${acl.name} associated with load balancer ${lb.name} has scope ${scope}; a load balancer needs a REGIONAL web ACL`, acl.urn);
          }
        }
      }
      for (const listener of listeners.filter((l) => graph.refs(l, "loadBalancerArn", [TYPES.loadBalancer], ["arn", "id"]).resources.includes(lb))) {
        const defaults = actionsOf(listener, "defaultActions");
        const judged = defaults ? judge(defaults) : undefined;
        if (judged?.forwards && !judged.verified) {
          const protocol = peekString(listener.props, "protocol");
          const hint = protocol === "HTTP" ? " (jwt-validation needs an HTTPS listener: redirect HTTP to HTTPS)" : "";
          reportViolation(`listener ${listener.name} of load balancer ${lb.name} forwards to targets without verifying a JWT (no jwt-validation before its forward)${hint}`, listener.urn);
        }
        for (const rule of rules.filter((r) => graph.refs(r, "listenerArn", [TYPES.listener], ["arn", "id"]).resources.includes(listener))) {
          const actions = actionsOf(rule, "actions");
          const verdict = actions ? judge(actions) : undefined;
          if (verdict?.forwards && !verdict.verified && !onlyOpenPaths(rule, openPaths)) {
            reportViolation(
              `rule ${rule.name} of listener ${listener.name} (load balancer ${lb.name}) forwards to targets without verifying a JWT, and not only GET/HEAD of ${openPaths.join(", ") || "(no open paths)"}`,
              rule.urn,
            );
          }
        }
      }
    }
  },
};
