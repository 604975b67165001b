// alb-hardening (security pack): the rule's description below is what the CLI prints with each violation.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { peek, peekBoolean, UNKNOWN } from "../../lib/values";

export const albHardening: ResourceValidationPolicy = {
  name: "alb-hardening",
  description: "Application load balancers drop invalid HTTP header fields (request smuggling) and write access logs to S3.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
    if ((lb.loadBalancerType ?? "application") !== "application") {
      return args.notApplicable("not an application load balancer");
    }
    if (lb.dropInvalidHeaderFields !== true) {
      reportViolation(`load balancer ${args.name} does not drop invalid header fields (dropInvalidHeaderFields)`);
    }
    const enabled = peekBoolean(args.props, "accessLogs", "enabled");
    const bucket = peek(args.props, "accessLogs", "bucket");
    if (enabled !== true || bucket === undefined || bucket === "" || (bucket !== UNKNOWN && typeof bucket !== "string")) {
      reportViolation(`load balancer ${args.name} does not write access logs (accessLogs with a bucket and enabled: true)`);
    }
  }),
};
