/**
 * Whether an AWS FIS target can only select this stack's resources. FIS resolves a target when the
 * experiment starts, from its ARNs or from its resource tags (one or the other: "You must specify at
 * least one Amazon Resource Name (ARN) or at least one resource tag. You cannot specify both",
 * AWS::FIS::ExperimentTemplate ExperimentTemplateTarget, CloudFormation User Guide), over the
 * experiment's account and Region. So a target stays inside the stack when each ARN is that of a
 * resource the stack creates, or when its tags include one only this stack's resources carry: the
 * stack tag (`stackTagKey` = the stack's name), or a tag whose value is a name or ARN of one of the
 * stack's resources (AWS puts `aws:autoscaling:groupName` on every instance of a group).
 */
import type { FisTarget } from "../fis";
import type { GraphResource, ResourceGraph } from "../graph";
import { peekString, UNKNOWN } from "../values";

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackNameOf(resource: GraphResource): string {
  return resource.urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** A resource of the stack whose arn, name or id is `value` (StackReferences excluded: their outputs are another stack's). */
function ownResourceNamed(graph: ResourceGraph, value: string, props: readonly string[]): GraphResource | undefined {
  return graph.resources.find((r) => r.type !== STACK_REFERENCE && !r.type.startsWith("pulumi:") && props.some((p) => peekString(r.props, p) === value));
}

export interface TargetScope {
  /** What makes the target stay in the stack, for the plan: "ARNs of asg", "tag Stack=prod-us-east-1". */
  selectedBy: string[];
  problems: string[];
}

/**
 * How `target` of `template` selects, and what lets it reach outside the stack. `dependsOnOwn` says
 * whether the template's targets property was computed from resources of this stack (what an ARN or
 * tag value unknown in a preview is made of); `fromStackReference`, whether from another stack's outputs.
 */
export function targetScope(
  graph: ResourceGraph,
  template: GraphResource,
  target: FisTarget,
  stackTagKey: string,
  deps: { dependsOnOwn: boolean; fromStackReference: boolean },
): TargetScope {
  const stack = stackNameOf(template);
  const problems: string[] = [];
  const selectedBy: string[] = [];
  const allowed = `ARNs of this stack's resources, or resourceTags including ${stackTagKey}=${stack} or a tag whose value names one of the stack's resources`;
  if (deps.fromStackReference) {
    problems.push(`its selection is computed from a StackReference (another stack's outputs); allowed: ${allowed}`);
  }
  if (target.arns.values.length > 0 || target.arns.someUnknown) {
    for (const arn of target.arns.values) {
      const own = ownResourceNamed(graph, arn, ["arn"]);
      if (own) {
        selectedBy.push(`ARN of ${own.name}`);
      } else {
        problems.push(`resourceArns names ${arn}, which is no resource of this stack; allowed: ${allowed}`);
      }
    }
    if (target.arns.someUnknown) {
      if (deps.dependsOnOwn) {
        selectedBy.push("ARNs computed from this stack's resources");
      } else {
        problems.push(`resourceArns is unknown and computed from no resource of this stack; allowed: ${allowed}`);
      }
    }
    return { selectedBy, problems };
  }
  if (target.tags.length === 0) {
    problems.push(`selects by neither resourceArns nor resourceTags, so it is not limited to this stack; allowed: ${allowed}`);
    return { selectedBy, problems };
  }
  for (const tag of target.tags) {
    if (tag.key === stackTagKey && tag.value === stack) {
      selectedBy.push(`tag ${tag.key}=${stack}`);
    } else if (typeof tag.value === "string") {
      const own = ownResourceNamed(graph, tag.value, ["name", "arn", "id"]);
      if (own) {
        selectedBy.push(`tag ${tag.key}=${tag.value} (${own.name})`);
      }
    } else if (tag.value === UNKNOWN && deps.dependsOnOwn) {
      selectedBy.push(`tag ${tag.key} computed from this stack's resources`);
    }
  }
  if (selectedBy.length === 0) {
    const shown = target.tags.map((t) => `${t.key}=${typeof t.value === "string" ? t.value : "(unknown)"}`).join(", ");
    problems.push(`resourceTags ${shown} include no tag only this stack's resources carry; allowed: ${allowed}`);
  }
  return { selectedBy, problems };
}

/** Whether the template's targets were computed from this stack's resources, and from a StackReference. */
export function targetDependencies(template: GraphResource): { dependsOnOwn: boolean; fromStackReference: boolean } {
  const deps = template.propertyDependencies.targets ?? [];
  return {
    dependsOnOwn: deps.some((d) => d.type !== STACK_REFERENCE && !d.type.startsWith("pulumi:")),
    fromStackReference: deps.some((d) => d.type === STACK_REFERENCE),
  };
}
