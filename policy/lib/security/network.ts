/**
 * Instance and network exposure: IMDSv2 only, no public IPs on instances, no ingress from the whole
 * internet except to a load balancer on its listener ports, and load balancers that drop invalid
 * headers and keep access logs.
 */
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { knownStrings, peek, peekBoolean, peekNumber, peekString } from "../values";

export interface ImdsConfig {
  maxHopLimit: number;
}

/**
 * The hop limit bounds how far the IMDSv2 token response travels: 1 keeps it on the host, so a
 * container or a forwarded request cannot obtain one. Unset, the AMI decides, and AMIs flagged
 * imds-support v2.0 (AL2023's) set it to 2 (EC2 API reference, Image.ImdsSupport).
 */
export function hopLimitProblem(label: string, hopLimit: number | undefined, maxHopLimit: number): string | undefined {
  if (hopLimit === undefined) {
    return `${label} sets no metadataOptions.httpPutResponseHopLimit (the AMI's default applies: 2 for imds-support v2.0 AMIs); set at most ${maxHopLimit}`;
  }
  return hopLimit > maxHopLimit ? `${label} lets the IMDSv2 token travel ${hopLimit} hops (metadataOptions.httpPutResponseHopLimit); at most ${maxHopLimit}` : undefined;
}

/** "true"/"false" in launch templates; unset leaves it to the subnet. */
export function templateAssociatesPublicIp(template: GraphResource): boolean | undefined {
  const interfaces = peek(template.props, "networkInterfaces");
  if (!Array.isArray(interfaces) || interfaces.length === 0) {
    return undefined;
  }
  const values = interfaces.map((_, i) => peekBoolean(interfaces, i, "associatePublicIpAddress"));
  if (values.some((v) => v === true)) {
    return true;
  }
  return values.every((v) => v === false) ? false : undefined;
}

export interface WorldIngressConfig {
  loadBalancerPorts: number[];
}

export const WORLD = ["0.0.0.0/0", "::/0"];

export interface WorldRule {
  resource: GraphResource;
  groups: GraphResource[];
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr: string;
}

export function portsOf(protocol: string, from: unknown, to: unknown): string {
  if (protocol === "-1" || protocol === "all") {
    return "all ports";
  }
  if (typeof from === "number" && typeof to === "number") {
    return from === to ? `port ${from}/${protocol}` : `ports ${from}-${to}/${protocol}`;
  }
  return `ports (unknown)/${protocol}`;
}

export function worldRules(graph: ResourceGraph): WorldRule[] {
  const rules: WorldRule[] = [];
  const number = (value: unknown) => (typeof value === "number" ? value : undefined);
  for (const rule of graph.ofType(TYPES.ingressRule)) {
    for (const property of ["cidrIpv4", "cidrIpv6"]) {
      const cidr = peekString(rule.props, property);
      if (typeof cidr === "string" && WORLD.includes(cidr)) {
        rules.push({
          resource: rule,
          groups: graph.refs(rule, "securityGroupId", [TYPES.securityGroup]).resources,
          protocol: String(peekString(rule.props, "ipProtocol") ?? "-1"),
          fromPort: number(peekNumber(rule.props, "fromPort")),
          toPort: number(peekNumber(rule.props, "toPort")),
          cidr,
        });
      }
    }
  }
  for (const rule of graph.ofType(TYPES.securityGroupRule)) {
    if (peekString(rule.props, "type") !== "ingress") {
      continue;
    }
    const cidrs = [...knownStrings(rule.props, "cidrBlocks").values, ...knownStrings(rule.props, "ipv6CidrBlocks").values].filter((c) => WORLD.includes(c));
    for (const cidr of cidrs) {
      rules.push({
        resource: rule,
        groups: graph.refs(rule, "securityGroupId", [TYPES.securityGroup]).resources,
        protocol: String(peekString(rule.props, "protocol") ?? "-1"),
        fromPort: number(peekNumber(rule.props, "fromPort")),
        toPort: number(peekNumber(rule.props, "toPort")),
        cidr,
      });
    }
  }
  for (const group of graph.ofType(TYPES.securityGroup)) {
    const ingress = peek(group.props, "ingress");
    if (!Array.isArray(ingress)) {
      continue;
    }
    ingress.forEach((_, i) => {
      const cidrs = [...knownStrings(ingress[i], "cidrBlocks").values, ...knownStrings(ingress[i], "ipv6CidrBlocks").values].filter((c) => WORLD.includes(c));
      for (const cidr of cidrs) {
        rules.push({
          resource: group,
          groups: [group],
          protocol: String(peekString(ingress, i, "protocol") ?? "-1"),
          fromPort: number(peekNumber(ingress, i, "fromPort")),
          toPort: number(peekNumber(ingress, i, "toPort")),
          cidr,
        });
      }
    });
  }
  return rules;
}
