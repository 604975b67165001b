/**
 * Health checks the Auto Scaling group acts on must be shallow: a target group's check decides, for
 * a group with ELB health, which instances are replaced. A check that follows a shared dependency
 * fails everywhere at once when that dependency has trouble, and the group replaces the whole fleet
 * (AWS ELB best practices, "Deep health checks"; issue 14). The group, in turn, must act on that
 * check (ELB health; EC2 health alone replaces only instances whose VM fails), after a grace period
 * that lets a new instance start its service first.
 */
import { peekArray, peekString, UNKNOWN } from "../values";

export interface ShallowHealthCheckConfig {
  deepHealthCheckPaths: string[];
}

/** True when the group sits behind a load balancer: target groups or traffic sources (even unknown ones). */
export function servesALoadBalancer(props: unknown): boolean {
  return ["targetGroupArns", "trafficSources"].some((key) => {
    const items = peekArray(props, key);
    return items === UNKNOWN || (items !== undefined && items.length > 0);
  });
}

/** A launch lifecycle hook holds new instances out of service until they are ready, as a grace period would. */
export function hasLaunchHook(props: unknown): boolean {
  const hooks = peekArray(props, "initialLifecycleHooks");
  return Array.isArray(hooks) && hooks.some((hook) => peekString(hook, "lifecycleTransition") === "autoscaling:EC2_INSTANCE_LAUNCHING");
}
