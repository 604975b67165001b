// ecs-service-no-public-ip (security pack): a Fargate task with a public IP is reachable from the internet past the load balancer, its WAF and its JWT check.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/**
 * ECS assigns a task's ENI a public IPv4 address only when the service's networkConfiguration says
 * so (`assignPublicIp`, default false: "Whether the task's elastic network interface receives a
 * public IP address", ECS API reference, AwsVpcConfiguration). The trading tasks run in private app
 * subnets and reach AWS through NAT and endpoints; a public address would only add a way in.
 */
export const ecsServiceNoPublicIp: ResourceValidationPolicy = {
  name: "ecs-service-no-public-ip",
  description: "No ECS service gives its tasks a public IP (networkConfiguration.assignPublicIp is not true): tasks are reached through the load balancer only.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
    if (service.networkConfiguration?.assignPublicIp === true) {
      reportViolation(`ECS service ${args.name} assigns its tasks public IPs (networkConfiguration.assignPublicIp: true); run them in private subnets without one`);
    }
  }),
};
