/**
 * Health checks the Auto Scaling group acts on must be shallow: a target group's check decides, for
 * a group with ELB health, which instances are replaced. A check that follows a shared dependency
 * fails everywhere at once when that dependency has trouble, and the group replaces the whole fleet
 * (AWS ELB best practices, "Deep health checks"; issue 14). The group, in turn, must act on that
 * check (ELB health; EC2 health alone replaces only instances whose VM fails), after a grace period
 * that lets a new instance start its service first.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { peekArray, peekNumber, peekString, UNKNOWN } from "../lib/values";

export interface ShallowHealthCheckConfig {
  deepHealthCheckPaths: string[];
}

export const targetGroupShallowHealthCheck: ResourceValidationPolicy = {
  name: "target-group-shallow-health-check",
  description:
    "Target groups health-check an explicit HTTP path that is not a dependency (readiness) check (`deepHealthCheckPaths`): an Auto " +
    "Scaling group with ELB health replaces every instance whose check fails, and a check through a shared dependency fails on all of them at once.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      deepHealthCheckPaths: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["/readyz"],
        description: "Paths that check dependencies and so must not be a target group's health check. Default the service's readiness path.",
      },
    },
  },
  validateResource: validateResourceOfType(aws.lb.TargetGroup, (group, args, reportViolation) => {
    const { deepHealthCheckPaths } = args.getConfig<ShallowHealthCheckConfig>();
    const check = group.healthCheck;
    if (!check || check.enabled === false) {
      reportViolation(`target group ${args.name} has no health check; instances that stop answering keep receiving traffic`);
      return;
    }
    if (check.path === undefined) {
      reportViolation(`target group ${args.name} sets no health check path (the default "/" is whatever the service serves there)`);
    } else if (deepHealthCheckPaths.includes(check.path)) {
      reportViolation(`target group ${args.name} health-checks ${check.path}, a dependency check: a dependency failure would fail every target at once`);
    }
  }),
};

/** True when the group sits behind a load balancer: target groups or traffic sources (even unknown ones). */
function servesALoadBalancer(props: unknown): boolean {
  return ["targetGroupArns", "trafficSources"].some((key) => {
    const items = peekArray(props, key);
    return items === UNKNOWN || (items !== undefined && items.length > 0);
  });
}

/** A launch lifecycle hook holds new instances out of service until they are ready, as a grace period would. */
function hasLaunchHook(props: unknown): boolean {
  const hooks = peekArray(props, "initialLifecycleHooks");
  return Array.isArray(hooks) && hooks.some((hook) => peekString(hook, "lifecycleTransition") === "autoscaling:EC2_INSTANCE_LAUNCHING");
}

export const asgElbHealthCheck: ResourceValidationPolicy = {
  name: "asg-elb-health-check",
  description:
    "Auto Scaling groups behind a load balancer (targetGroupArns or trafficSources) use ELB health (healthCheckType \"ELB\"), so an " +
    "instance the load balancer finds unhealthy is replaced rather than left in service, with a health check grace period above 0 (or " +
    "a launch lifecycle hook), so a booting instance is not replaced before its service starts.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.autoscaling.Group, (_group, args, reportViolation) => {
    if (!servesALoadBalancer(args.props)) {
      return;
    }
    const type = peekString(args.props, "healthCheckType");
    if (type !== "ELB" && type !== UNKNOWN) {
      reportViolation(`auto scaling group ${args.name} serves a load balancer but uses ${type ?? "EC2 (the default)"} health checks; set healthCheckType "ELB"`);
    }
    // The API's default grace period is 0 (AWS EC2 Auto Scaling User Guide, "Set the health check grace period").
    const grace = peekNumber(args.props, "healthCheckGracePeriod");
    const heldBack = grace === UNKNOWN || (typeof grace === "number" && grace > 0) || hasLaunchHook(args.props);
    if (!heldBack) {
      reportViolation(`auto scaling group ${args.name} has no health check grace period (healthCheckGracePeriod ${grace ?? "not set"}): instances can be replaced while they boot`);
    }
  }),
};
