/**
 * The fleet an AZ-loss template reaches, on either compute platform: the Auto Scaling group whose
 * instances it stops (named by AWS's `aws:autoscaling:groupName` tag), or the ECS service whose
 * tasks it stops (named by the target's `service` parameter); in a first preview, where the names
 * are unknown, the group or service its targets were computed from; with neither, every fleet that
 * spans the lost AZ. Each comes with what the expected outcome needs: its minimum and AZs (as the
 * AZ-loss model counts them), its target group, its health check grace period, and the metric and
 * dimension its in-service alarm counts members by.
 */
import type { FisTarget } from "../../policy/lib/fis";
import { GraphResource, ResourceGraph, TYPES } from "../../policy/lib/graph";
import { asgSpread } from "../../policy/lib/placement";
import { ECS_SERVICE_TYPE, ecsServiceMinimum, ecsServiceSpread } from "../../policy/lib/resilience/ecsService";
import { peek, peekNumber, peekString } from "../../policy/lib/values";

export interface Fleet {
  resource: GraphResource;
  /** "auto scaling group" or "ECS service", for the outcome's sentences. */
  label: string;
  members: "instances" | "tasks";
  name: string;
  min?: number;
  azCount: number;
  targetGroup?: GraphResource;
  graceSeconds: number;
  /** The metric and dimension an alarm on its in-service count reads (Auto Scaling's, Container Insights'). */
  countMetric: string;
  dimension: string;
}

const nameOf = (resource: GraphResource, prop: string): string => {
  const value = peekString(resource.props, prop);
  return typeof value === "string" ? value : resource.name;
};

/** The values a template's targets select a fleet by (a tag, or a parameter), known and unknown. */
function selectors(targets: readonly FisTarget[], pick: (t: FisTarget) => unknown[]): { known: string[]; any: number } {
  const values = targets.flatMap(pick).filter((v) => v !== undefined);
  return { known: values.filter((v): v is string => typeof v === "string"), any: values.length };
}

function chosen(resource: GraphResource, name: string, by: { known: string[]; any: number }, targetDeps: readonly GraphResource[], spansAz: boolean): boolean {
  if (by.any === 0) return spansAz;
  return by.known.includes(name) || (by.known.length < by.any && targetDeps.includes(resource));
}

export function fleetsHit(graph: ResourceGraph, targets: readonly FisTarget[], targetDeps: readonly GraphResource[], az: string): Fleet[] {
  const groupTags = selectors(targets, (t) => t.tags.filter((tag) => tag.key === "aws:autoscaling:groupName").map((tag) => tag.value));
  const serviceParams = selectors(targets, (t) => (t.resourceType === "aws:ecs:task" ? [peekString(t.parameters, "service")] : []));
  const asgs: Fleet[] = graph.ofType(TYPES.autoscalingGroup).flatMap((asg) => {
    const spread = asgSpread(graph, asg);
    const name = nameOf(asg, "name");
    if (serviceParams.any > 0 || !chosen(asg, name, groupTags, targetDeps, spread.azs.includes(az))) return [];
    const min = peekNumber(asg.props, "minSize");
    const grace = peekNumber(asg.props, "healthCheckGracePeriod");
    const targetGroup = graph.refs(asg, "targetGroupArns", [TYPES.targetGroup], ["arn"]).resources[0];
    return [
      {
        resource: asg,
        label: "auto scaling group",
        members: "instances" as const,
        name,
        ...(typeof min === "number" ? { min } : {}),
        azCount: spread.azs.length,
        ...(targetGroup ? { targetGroup } : {}),
        graceSeconds: typeof grace === "number" ? grace : 0,
        countMetric: "GroupInServiceInstances",
        dimension: "AutoScalingGroupName",
      },
    ];
  });
  const services: Fleet[] = graph.ofType(ECS_SERVICE_TYPE).flatMap((service) => {
    const spread = ecsServiceSpread(graph, service);
    const name = nameOf(service, "name");
    if (groupTags.any > 0 || !chosen(service, name, serviceParams, targetDeps, spread.azs.includes(az))) return [];
    const { min } = ecsServiceMinimum(graph, service);
    const grace = peekNumber(service.props, "healthCheckGracePeriodSeconds");
    // loadBalancers is a list of objects: its target group through the property's dependencies, or a known ARN.
    const arn = peek(service.props, "loadBalancers", 0, "targetGroupArn");
    const targetGroup =
      (service.propertyDependencies.loadBalancers ?? []).find((d) => d.type === TYPES.targetGroup) ??
      graph.ofType(TYPES.targetGroup).find((tg) => typeof arn === "string" && peekString(tg.props, "arn") === arn);
    return [
      {
        resource: service,
        label: "ECS service",
        members: "tasks" as const,
        name,
        ...(typeof min === "number" ? { min } : {}),
        azCount: spread.azs.length,
        ...(targetGroup ? { targetGroup } : {}),
        graceSeconds: typeof grace === "number" ? grace : 0,
        countMetric: "RunningTaskCount",
        dimension: "ServiceName",
      },
    ];
  });
  return [...asgs, ...services];
}
