// no-world-ingress (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/network.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { portsOf, WorldIngressConfig, worldRules } from "../../lib/security/network";

export const noWorldIngress: StackValidationPolicy = {
  name: "no-world-ingress",
  description:
    "No security group admits the whole internet (0.0.0.0/0 or ::/0), except a load balancer's group on its listener ports " +
    "(`loadBalancerPorts`, default 80 and 443).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      loadBalancerPorts: {
        type: "array",
        items: { type: "integer", minimum: 1, maximum: 65535 },
        default: [80, 443],
        description: "Ports a load balancer's security group may open to the world. Default [80, 443].",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { loadBalancerPorts } = args.getConfig<WorldIngressConfig>();
    const graph = new ResourceGraph(args.resources);
    const lbGroups = new Set(graph.ofType(TYPES.loadBalancer).flatMap((lb) => graph.refs(lb, "securityGroups", [TYPES.securityGroup]).resources));
    for (const rule of worldRules(graph)) {
      const onLoadBalancer = rule.groups.length > 0 && rule.groups.every((g) => lbGroups.has(g));
      const listenerPort =
        rule.protocol === "tcp" && rule.fromPort !== undefined && rule.fromPort === rule.toPort && loadBalancerPorts.includes(rule.fromPort);
      if (onLoadBalancer && listenerPort) {
        continue;
      }
      const groupNames = rule.groups.map((g) => g.name).join(", ") || "(a group not in this stack)";
      const why = onLoadBalancer
        ? `only ports ${loadBalancerPorts.join(", ")} of a load balancer's group may be open to the world`
        : "it is not a load balancer's group";
      reportViolation(
        `${rule.resource.name} opens ${portsOf(rule.protocol, rule.fromPort, rule.toPort)} of security group ${groupNames} to ${rule.cidr}; ${why}`,
        rule.resource.urn,
      );
    }
  },
};
