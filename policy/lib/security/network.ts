/**
 * Instance and network exposure: IMDSv2 only, no public IPs on instances, no ingress from the whole
 * internet except to a load balancer on its listener ports, and load balancers that drop invalid
 * headers and keep access logs.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../lib/graph";
import { knownStrings, peek, peekBoolean, peekNumber, peekString, UNKNOWN } from "../lib/values";
import { asgSpread } from "../lib/placement";

export interface ImdsConfig {
  maxHopLimit: number;
}

/**
 * The hop limit bounds how far the IMDSv2 token response travels: 1 keeps it on the host, so a
 * container or a forwarded request cannot obtain one. Unset, the AMI decides, and AMIs flagged
 * imds-support v2.0 (AL2023's) set it to 2 (EC2 API reference, Image.ImdsSupport).
 */
function hopLimitProblem(label: string, hopLimit: number | undefined, maxHopLimit: number): string | undefined {
  if (hopLimit === undefined) {
    return `${label} sets no metadataOptions.httpPutResponseHopLimit (the AMI's default applies: 2 for imds-support v2.0 AMIs); set at most ${maxHopLimit}`;
  }
  return hopLimit > maxHopLimit ? `${label} lets the IMDSv2 token travel ${hopLimit} hops (metadataOptions.httpPutResponseHopLimit); at most ${maxHopLimit}` : undefined;
}

export const imdsv2Required: ResourceValidationPolicy = {
  name: "imdsv2-required",
  description:
    'Launch templates and instances require IMDSv2 (metadataOptions.httpTokens "required"), so a server-side request forgery cannot read ' +
    "the instance role's credentials with a plain GET, with a token hop limit of at most `maxHopLimit` (httpPutResponseHopLimit).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 1, description: "Largest httpPutResponseHopLimit allowed. Default 1 (the host only)." },
    },
  },
  validateResource: [
    validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
      if (template.metadataOptions?.httpTokens !== "required") {
        reportViolation(`launch template ${args.name} does not require IMDSv2 (metadataOptions.httpTokens must be "required")`);
      }
      const hops = hopLimitProblem(`launch template ${args.name}`, template.metadataOptions?.httpPutResponseHopLimit, args.getConfig<ImdsConfig>().maxHopLimit);
      if (hops) reportViolation(hops);
    }),
    validateResourceOfType(aws.ec2.Instance, (instance, args, reportViolation) => {
      if (instance.metadataOptions?.httpTokens !== "required") {
        reportViolation(`instance ${args.name} does not require IMDSv2 (metadataOptions.httpTokens must be "required")`);
      }
      const hops = hopLimitProblem(`instance ${args.name}`, instance.metadataOptions?.httpPutResponseHopLimit, args.getConfig<ImdsConfig>().maxHopLimit);
      if (hops) reportViolation(hops);
    }),
  ],
};

/** "true"/"false" in launch templates; unset leaves it to the subnet. */
function templateAssociatesPublicIp(template: GraphResource): boolean | undefined {
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

export const noPublicIpOnInstances: StackValidationPolicy = {
  name: "no-public-ip-on-instances",
  description:
    "No instance gets a public IP: launch templates and instances do not ask for one, and auto scaling groups do not launch into subnets " +
    "that map public IPs on launch unless their launch template turns that off.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    for (const template of graph.ofType(TYPES.launchTemplate)) {
      if (templateAssociatesPublicIp(template) === true) {
        reportViolation(`launch template ${template.name} gives instances a public IP (networkInterfaces[].associatePublicIpAddress)`, template.urn);
      }
    }
    for (const instance of graph.ofType(TYPES.instance)) {
      if (peekBoolean(instance.props, "associatePublicIpAddress") === true) {
        reportViolation(`instance ${instance.name} has a public IP (associatePublicIpAddress)`, instance.urn);
      }
    }
    for (const asg of graph.ofType(TYPES.autoscalingGroup)) {
      const template = (asg.propertyDependencies.launchTemplate ?? []).find((d) => d.type === TYPES.launchTemplate);
      if (template && templateAssociatesPublicIp(template) === false) {
        continue;
      }
      const mapping = asgSpread(graph, asg).subnets.filter((s) => peekBoolean(s.props, "mapPublicIpOnLaunch") === true);
      if (mapping.length > 0) {
        reportViolation(
          `auto scaling group ${asg.name} launches into subnet(s) ${mapping.map((s) => s.name).join(", ")}, which give instances public IPs ` +
            "(mapPublicIpOnLaunch), and its launch template does not turn that off",
          asg.urn,
        );
      }
    }
  },
};

export interface WorldIngressConfig {
  loadBalancerPorts: number[];
}

const WORLD = ["0.0.0.0/0", "::/0"];

interface WorldRule {
  resource: GraphResource;
  groups: GraphResource[];
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr: string;
}

function portsOf(protocol: string, from: unknown, to: unknown): string {
  if (protocol === "-1" || protocol === "all") {
    return "all ports";
  }
  if (typeof from === "number" && typeof to === "number") {
    return from === to ? `port ${from}/${protocol}` : `ports ${from}-${to}/${protocol}`;
  }
  return `ports (unknown)/${protocol}`;
}

function worldRules(graph: ResourceGraph): WorldRule[] {
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

export const albHardening: ResourceValidationPolicy = {
  name: "alb-hardening",
  description: "Application load balancers drop invalid HTTP header fields (request smuggling) and write access logs to S3.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
    if ((lb.loadBalancerType ?? "application") !== "application") {
      return args.notApplicable("not an application load balancer");
    }
    if (lb.dropInvalidHeaderFields !== true) {
      reportViolation(`load balancer ${args.name} does not drop invalid header fields (dropInvalidHeaderFields)`);
    }
    const enabled = peekBoolean(args.props, "accessLogs", "enabled");
    const bucket = peek(args.props, "accessLogs", "bucket");
    if (enabled !== true || bucket === undefined || bucket === "" || (bucket !== UNKNOWN && typeof bucket !== "string")) {
      reportViolation(`load balancer ${args.name} does not write access logs (accessLogs with a bucket and enabled: true)`);
    }
  }),
};
