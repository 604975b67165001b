// fis-targets-own-stack (security pack): the rule's description below is what the CLI prints with each violation; how a target's selection is judged, and the AWS documentation behind it, are in policy/lib/security/fisTargets.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { FIS_TEMPLATE, targetsOf } from "../../lib/fis";
import { ResourceGraph } from "../../lib/graph";
import { targetDependencies, targetScope } from "../../lib/security/fisTargets";

export interface FisTargetsConfig {
  stackTagKey: string;
}

export const fisTargetsOwnStack: StackValidationPolicy = {
  name: "fis-targets-own-stack",
  description:
    "Every target of an AWS FIS experiment template selects only this stack's resources: by ARNs of resources the stack creates, by " +
    "resource tags that include one only they carry (`stackTagKey` with the stack's name, a tag whose value is the name or ARN of one " +
    "of the stack's resources, such as aws:autoscaling:groupName, or a tag of one of them whose value holds the stack's name), or, for " +
    "ECS tasks and EKS pods, by parameters each naming a resource of the stack. A target with none of these, with an ARN of no resource " +
    "of the stack, or computed from a StackReference, could reach another stack's resources.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      stackTagKey: {
        type: "string",
        minLength: 1,
        default: "Stack",
        description: 'Tag key whose value is the stack\'s name on every resource of the stack (e.g. "Stack": "prod-us-east-1"). Default "Stack".',
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { stackTagKey } = args.getConfig<FisTargetsConfig>();
    const graph = new ResourceGraph(args.resources);
    for (const template of graph.ofType(FIS_TEMPLATE)) {
      const deps = targetDependencies(template);
      for (const target of targetsOf(template)) {
        for (const problem of targetScope(graph, template, target, stackTagKey, deps).problems) {
          reportViolation(`experiment template ${template.name}: target ${target.name}: ${problem}`, template.urn);
        }
      }
    }
  },
};
