// no-public-ip-on-instances (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/network.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { asgSpread } from "../../lib/placement";
import { templateAssociatesPublicIp } from "../../lib/security/network";
import { peekBoolean } from "../../lib/values";

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
