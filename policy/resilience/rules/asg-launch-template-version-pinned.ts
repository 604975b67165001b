/**
 * Auto scaling groups name an exact launch template version. An instance refresh, and so the
 * rollout of a new AMI or boot script, starts only when the launch template version on the group
 * changes; with "$Latest" or "$Default" the group's configuration never changes when the template
 * does, so `pulumi up` publishes a new version and no instance runs it until something else
 * replaces them (EC2 Auto Scaling User Guide, "Use an instance refresh to update instances": a
 * refresh is started by a change to the launch template or version; the Pulumi aws.autoscaling.Group
 * instanceRefresh block triggers on launch template changes). Use the template's `latestVersion`.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { peek, peekString, UNKNOWN } from "../../lib/values";

/** The launch template specifications of a group: its own, and its mixed instances policy's. */
function specifications(asg: GraphResource): { where: string; spec: unknown }[] {
  const specs: { where: string; spec: unknown }[] = [];
  const own = peek(asg.props, "launchTemplate");
  if (own !== undefined && own !== null) {
    specs.push({ where: "launchTemplate", spec: own });
  }
  const mixed = peek(asg.props, "mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification");
  if (mixed !== undefined && mixed !== null) {
    specs.push({ where: "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification", spec: mixed });
  }
  return specs;
}

export const asgLaunchTemplateVersionPinned: StackValidationPolicy = {
  name: "asg-launch-template-version-pinned",
  description:
    'Every auto scaling group names an exact launch template version (the template\'s latestVersion), never "$Latest", "$Default" or none, ' +
    "so each new template version changes the group and starts its instance refresh.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    for (const asg of graph.ofType(TYPES.autoscalingGroup)) {
      for (const { where, spec } of specifications(asg)) {
        const version = peekString(spec, "version");
        if (version === UNKNOWN) {
          // Computed from the template (its latestVersion) in a preview: pinned by construction.
          continue;
        }
        if (version === undefined || version === "$Latest" || version === "$Default") {
          reportViolation(
            `auto scaling group ${asg.name} uses ${version ?? "no version (the template's default)"} in ${where}: a new template version would not change ` +
              "the group, so no instance refresh would roll it out; use the template's latestVersion",
            asg.urn,
          );
        }
      }
    }
  },
};
