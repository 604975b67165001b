// fis-role-no-wildcard-actions (security pack): the rule's description below is what the CLI prints with each violation; how the role and its documents are found is policy/lib/security/fisRole.ts, the statement parser policy/lib/security/iam.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { FIS_TEMPLATE } from "../../lib/fis";
import { ResourceGraph } from "../../lib/graph";
import { fisRoleOf, wildcardProblems } from "../../lib/security/fisRole";

export const fisRoleNoWildcardActions: StackValidationPolicy = {
  name: "fis-role-no-wildcard-actions",
  description:
    "Every AWS FIS experiment template runs as an IAM role of this stack whose policies (inline, role policies, attached managed policies " +
    'of the stack) allow only named actions: no "*", no "service:*", no partial wildcard such as "ec2:Stop*", no NotAction, and no ' +
    "managed policy the rule cannot read (an AWS managed one). FIS acts with this role, so it holds exactly what the template's actions need.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    for (const template of graph.ofType(FIS_TEMPLATE)) {
      const report = (message: string) => reportViolation(`experiment template ${template.name}: ${message}`, template.urn);
      const found = fisRoleOf(graph, template);
      if (!found.role) {
        report(`roleArn ${found.foreignArn} is no IAM role of this stack, so its actions cannot be checked; create the experiment role in the stack`);
        continue;
      }
      for (const { source, document } of found.documents) {
        for (const problem of wildcardProblems(document)) {
          report(`role ${found.role.name}: ${source} ${problem}; list each action the template's actions need (FIS actions reference, Permissions)`);
        }
      }
      for (const arn of found.unreadable) {
        report(`role ${found.role.name} has managed policy ${arn} attached, which is not a policy of this stack, so its actions cannot be checked; grant the actions in a policy of the stack`);
      }
    }
  },
};
