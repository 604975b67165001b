// Shared fixtures of the resilience rule tests (moved from tests/policy/resilience.test.ts when each rule got its own test file).
import { alarmOn, aurora, autoScalingGroup, cache, dax, launchTemplate, loadBalancer, network, snsTopic } from "../support/builders";
import { Fixture } from "../support/fixture";

export const AZS = ["use1-az1", "use1-az2", "use1-az4"];

export const TWO_AZS = ["use1-az1", "use1-az2"];

/** The HA-critical resources of a stack without their alarms: network with a NAT per AZ, ASG, ALB, Aurora, cache, DAX. */
export function haResources(fx: Fixture, azs = AZS) {
  const net = network(fx, azs);
  const lt = launchTemplate(fx);
  const asg = autoScalingGroup(fx, net.subnets.app, lt);
  const alb = loadBalancer(fx, net.subnets.public);
  const db = aurora(fx, azs);
  const group = cache(fx, azs);
  const daxCluster = dax(fx, azs);
  return { net, lt, asg, alb, db, group, daxCluster };
}

/** A compliant three-AZ stack: the HA-critical resources, each watched by an alarm notifying an SNS topic. */
export function fullStack(fx: Fixture, azs = AZS) {
  const stack = haResources(fx, azs);
  const topic = snsTopic(fx);
  alarmOn(fx, stack.asg, "AutoScalingGroupName", "name", { actions: topic });
  alarmOn(fx, stack.alb, "LoadBalancer", "arnSuffix", { actions: topic });
  alarmOn(fx, stack.db.cluster, "DBClusterIdentifier", "clusterIdentifier", { actions: topic });
  alarmOn(fx, stack.group, "CacheClusterId", "memberClusters", { actions: topic });
  alarmOn(fx, stack.daxCluster, "ClusterId", "clusterName", { actions: topic });
  return { ...stack, topic };
}
