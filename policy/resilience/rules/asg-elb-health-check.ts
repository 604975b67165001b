// asg-elb-health-check (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/healthChecks.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { hasLaunchHook, servesALoadBalancer } from "../../lib/resilience/healthChecks";
import { peekNumber, peekString, UNKNOWN } from "../../lib/values";

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
