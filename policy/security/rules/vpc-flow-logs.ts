// vpc-flow-logs (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/logging.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { FlowLogConfig, isSet } from "../../lib/security/logging";
import { peek, peekString } from "../../lib/values";

export const vpcFlowLogs: StackValidationPolicy = {
  name: "vpc-flow-logs",
  description:
    "Every VPC has a flow log (an aws.ec2.FlowLog on its vpcId) with a destination and a traffic type from `allowedTrafficTypes`, so the " +
    "traffic that reached or left the platform can be reconstructed after an incident.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedTrafficTypes: {
        type: "array",
        items: { type: "string", enum: ["ALL", "ACCEPT", "REJECT"] },
        minItems: 1,
        default: ["ALL"],
        description: "Traffic types a VPC's flow log may record. Default ALL (accepted and rejected traffic).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedTrafficTypes } = args.getConfig<FlowLogConfig>();
    const graph = new ResourceGraph(args.resources);
    const flowLogs = graph.ofType(TYPES.flowLog);
    for (const vpc of graph.ofType(TYPES.vpc)) {
      const own = flowLogs.filter((f) => graph.refs(f, "vpcId", [TYPES.vpc]).resources.includes(vpc));
      if (own.length === 0) {
        reportViolation(`VPC ${vpc.name} has no flow log (an aws.ec2.FlowLog with its vpcId)`, vpc.urn);
        continue;
      }
      const problems = own.map((f) => {
        const traffic = peekString(f.props, "trafficType");
        if (!isSet(peek(f.props, "logDestination"))) return `${f.name} has no logDestination`;
        if (typeof traffic === "string" && !allowedTrafficTypes.includes(traffic)) {
          return `${f.name} records ${traffic} traffic only (allowed: ${allowedTrafficTypes.join(", ")})`;
        }
        if (traffic === undefined) return `${f.name} sets no trafficType`;
        return undefined;
      });
      if (problems.every((p) => p !== undefined)) {
        reportViolation(`VPC ${vpc.name} has no usable flow log: ${problems.join("; ")}`, vpc.urn);
      }
    }
  },
};
