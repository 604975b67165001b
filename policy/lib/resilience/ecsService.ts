/**
 * An ECS service's placement and minimum, read from AWS resources and their links, shared by
 * ecs-service-spans-azs and the AZ-loss model (az-loss-survivability).
 *
 * Placement: an awsvpc service's subnets are networkConfiguration.subnets, followed through the
 * property's dependencies because the ids are unknown in a first preview. The replica scheduler
 * spreads a service's tasks evenly over those subnets' AZs ("By default, the service scheduler
 * spreads tasks across Availability Zones", ECS API Reference, Service.schedulingStrategy).
 *
 * Minimum: with service auto scaling the scalable target's minCapacity is the fewest tasks the
 * service is scaled to ("Automatically scale your Amazon ECS service", ECS Developer Guide: the
 * minimum number of tasks), so that is what an AZ loss must be judged against, as an auto scaling
 * group's minSize is; without a target, the service runs its desiredCount.
 */
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { subnetSpread, type SubnetSpread } from "../placement";
import { peek, peekNumber, peekString } from "../values";

export const ECS_SERVICE_TYPE = "aws:ecs/service:Service";

export function ecsServiceSpread(graph: ResourceGraph, service: GraphResource): SubnetSpread {
  const view: GraphResource = {
    ...service,
    props: { subnets: peek(service.props, "networkConfiguration", "subnets") },
    propertyDependencies: { subnets: service.propertyDependencies.networkConfiguration ?? [] },
  };
  return subnetSpread(graph, view, "subnets");
}

export interface EcsServiceMinimum {
  /** Fewest tasks the service runs, when known. */
  min?: number;
  /** The scalable target it came from, or the service itself (desiredCount). */
  from: GraphResource;
}

/** The ecs:service:DesiredCount scalable target of `service`: its resourceId came from the service, or names it. */
export function ecsScalableTarget(graph: ResourceGraph, service: GraphResource): GraphResource | undefined {
  const name = peekString(service.props, "name");
  return graph.ofType(TYPES.scalableTarget).find((target) => {
    if (peekString(target.props, "serviceNamespace") !== "ecs" || peekString(target.props, "scalableDimension") !== "ecs:service:DesiredCount") {
      return false;
    }
    const resourceId = peekString(target.props, "resourceId");
    return (target.propertyDependencies.resourceId ?? []).some((d) => d.urn === service.urn) || (typeof name === "string" && typeof resourceId === "string" && resourceId.endsWith(`/${name}`));
  });
}

export function ecsServiceMinimum(graph: ResourceGraph, service: GraphResource): EcsServiceMinimum {
  const target = ecsScalableTarget(graph, service);
  const fromTarget = target ? peekNumber(target.props, "minCapacity") : undefined;
  if (target && typeof fromTarget === "number") {
    return { min: fromTarget, from: target };
  }
  const desired = peekNumber(service.props, "desiredCount");
  return { ...(typeof desired === "number" ? { min: desired } : {}), from: service };
}
