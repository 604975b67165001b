/**
 * Whether an AWS FIS target can only select this stack's resources. FIS resolves a target when the
 * experiment starts, from its ARNs or from its resource tags (one or the other: "You must specify at
 * least one Amazon Resource Name (ARN) or at least one resource tag. You cannot specify both",
 * AWS::FIS::ExperimentTemplate ExperimentTemplateTarget, CloudFormation User Guide), over the
 * experiment's account and Region. So a target stays inside the stack when each ARN is that of a
 * resource the stack creates, or when its tags include one only this stack's resources carry: the
 * stack tag (`stackTagKey` = the stack's name), a tag whose value is a name or ARN of one of the
 * stack's resources (AWS puts `aws:autoscaling:groupName` on every instance of a group), or a tag one
 * of the stack's resources carries whose value holds the stack's name (a `Name` such as
 * trading-prod-us-east-1-cache). ECS tasks and EKS pods are selected by parameters naming their
 * cluster and service instead; each must name a resource of the stack.
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

/** Resource types FIS selects by parameters (cluster, service, namespace) rather than by ARNs or tags. */
const PARAMETER_SELECTED: ReadonlySet<string> = new Set(["aws:ecs:task", "aws:eks:pod"]);

/** A resource of the stack whose own tags hold `key`=`value`. */
function taggedWith(graph: ResourceGraph, key: string, value: string): GraphResource | undefined {
  return graph.resources.find((r) => r.type.startsWith("aws:") && peekString(r.props, "tags", key) === value);
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
  const allowed =
    `ARNs of this stack's resources, or resourceTags including ${stackTagKey}=${stack}, a tag whose value names one of the stack's resources ` +
    `or a tag of one of them whose value holds the stack's name`;
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
  const parameters = Object.entries(target.parameters);
  if (target.tags.length === 0 && parameters.length > 0 && PARAMETER_SELECTED.has(String(target.resourceType))) {
    // ECS tasks and EKS pods are selected by naming their cluster (and service or namespace) in
    // parameters ("Targets for AWS FIS": resource parameters): inside the stack when each names one of its resources.
    for (const [key, value] of parameters) {
      const own = typeof value === "string" ? ownResourceNamed(graph, value, ["name", "arn", "id"]) : undefined;
      if (own) {
        selectedBy.push(`parameter ${key}=${String(value)} (${own.name})`);
      } else if (peekString(target.parameters, key) === UNKNOWN && deps.dependsOnOwn) {
        selectedBy.push(`parameter ${key} computed from this stack's resources`);
      } else {
        problems.push(`parameter ${key}=${typeof value === "string" ? value : "(unknown)"} names no resource of this stack; allowed: ${allowed}`);
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
      const value = tag.value;
      const own = ownResourceNamed(graph, value, ["name", "arn", "id"]) ?? (value.includes(stack) ? taggedWith(graph, tag.key, value) : undefined);
      if (own) {
        selectedBy.push(`tag ${tag.key}=${value} (${own.name})`);
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
