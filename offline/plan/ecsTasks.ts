/**
 * The Fargate tasks of the stack's ECS services for the plan's AZ matrix: where each service may
 * run (its awsvpc subnets) and how many tasks each AZ holds at the service's minimum.
 *
 * The minimum is the service auto scaling target's `minCapacity` (the scaling policy owns the desired
 * count once the service exists), or the service's `desiredCount` without one. A replica service's
 * scheduler spreads its tasks evenly over the AZs of its subnets ("By default, the service scheduler
 * spreads tasks across Availability Zones", ECS API Reference, Service.schedulingStrategy; "How
 * Amazon ECS places tasks on container instances", Fargate), so at the minimum every AZ holds
 * floor(min / AZs) tasks and min mod AZs of them one more; which ones is ECS's choice.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource, StackRun } from "../cloud/mockCloud";

export const ECS_TYPES = {
  service: "aws:ecs/service:Service",
  scalableTarget: "aws:appautoscaling/target:Target",
  subnet: "aws:ec2/subnet:Subnet",
} as const;

export interface ServiceCapacity {
  min?: number;
  desired?: number;
  max?: number;
  /** Where the minimum comes from. */
  minFrom: "auto scaling target" | "desiredCount" | "unknown";
}

/** Tasks each AZ holds at the minimum: `low` in every AZ, `high` (= low + 1) in `fuller` of them. */
export interface TasksPerAz {
  low: number;
  high: number;
  fuller: number;
}

const num = (value: unknown): number | undefined => (typeof value === "number" && !pulumi.isUnknown(value) ? value : undefined);

/** The service's subnets, followed through networkConfiguration's property dependencies (ids are unknown in a preview). */
export function serviceSubnets(run: StackRun, service: RecordedResource): RecordedResource[] {
  return (service.propertyDependencies.networkConfiguration ?? [])
    .map((urn) => run.resources.find((r) => r.urn === urn))
    .filter((r): r is RecordedResource => r?.type === ECS_TYPES.subnet);
}

/** The service's ECS desired-count scalable target: its resourceId came from the service, or names it. */
export function serviceScalableTarget(run: StackRun, service: RecordedResource): RecordedResource | undefined {
  const name = service.outputs.name ?? service.inputs.name;
  return run.ofType(ECS_TYPES.scalableTarget).find((t) => {
    if (t.inputs.serviceNamespace !== "ecs" || t.inputs.scalableDimension !== "ecs:service:DesiredCount") {
      return false;
    }
    const resourceId = t.inputs.resourceId;
    return (t.propertyDependencies.resourceId ?? []).includes(service.urn) || (typeof name === "string" && typeof resourceId === "string" && resourceId.endsWith(`/${name}`));
  });
}

export function serviceCapacity(run: StackRun, service: RecordedResource): ServiceCapacity {
  const target = serviceScalableTarget(run, service);
  const desired = num(service.inputs.desiredCount);
  const fromTarget = target ? num(target.inputs.minCapacity) : undefined;
  const min = fromTarget ?? desired;
  const max = target ? num(target.inputs.maxCapacity) : desired;
  return {
    ...(min === undefined ? {} : { min }),
    ...(desired === undefined ? {} : { desired }),
    ...(max === undefined ? {} : { max }),
    minFrom: fromTarget !== undefined ? "auto scaling target" : desired !== undefined ? "desiredCount" : "unknown",
  };
}

/** `min` tasks spread evenly over `azs` AZs. */
export function tasksPerAz(min: number, azs: number): TasksPerAz {
  if (azs <= 0) {
    return { low: 0, high: 0, fuller: 0 };
  }
  const low = Math.floor(min / azs);
  const fuller = min % azs;
  return { low, high: fuller > 0 ? low + 1 : low, fuller };
}

const tasks = (n: number) => `${n} task${n === 1 ? "" : "s"}`;

/** The matrix cell of every AZ: "1 task", or "0-1 task" when the minimum does not divide evenly. */
export function tasksCell(spread: TasksPerAz): string {
  return spread.fuller === 0 ? tasks(spread.low) : `${spread.low}-${tasks(spread.high)}`;
}
