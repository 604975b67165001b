// Shared fixtures of the resilience rule tests (moved from tests/policy/resilience.test.ts when each rule got its own test file).
import { alarmOn, aurora, autoScalingGroup, cache, dax, launchTemplate, loadBalancer, network, snsTopic, T } from "../support/builders";
import { Fixture, FixtureResource } from "../support/fixture";

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

export const ECS = {
  cluster: "aws:ecs/cluster:Cluster",
  service: "aws:ecs/service:Service",
} as const;

export interface EcsServiceOptions {
  desiredCount?: number;
  /** The service auto scaling target's min and max; null: no target. Default 3..6. */
  scaling?: { min: number; max: number } | null;
  name?: string;
}

/**
 * A Fargate service as the cluster component records it: its cluster, the awsvpc subnets, and a
 * desired-count scalable target whose resourceId (service/<cluster>/<service>) came from both.
 */
export function ecsService(fx: Fixture, subnets: FixtureResource[], options: EcsServiceOptions = {}) {
  const name = options.name ?? "api";
  const cluster = fx.add(ECS.cluster, `${name}-cluster`, {}, { computed: fx.preview ? {} : { name: `${name}-cluster`, arn: `arn:aws:ecs:us-east-1:123456789012:cluster/${name}-cluster` } });
  const service = fx.add(
    ECS.service,
    name,
    {
      cluster: fx.ref(cluster, "arn", `arn:aws:ecs:us-east-1:123456789012:cluster/${name}-cluster`),
      launchType: "FARGATE",
      desiredCount: options.desiredCount ?? 3,
      networkConfiguration: { subnets: subnets.map((s) => fx.ref(s)), assignPublicIp: false },
    },
    { computed: fx.preview ? {} : { name } },
  );
  const scaling = options.scaling === undefined ? { min: 3, max: 6 } : options.scaling;
  const target = scaling
    ? fx.add(
        T.target,
        `${name}-scaling`,
        { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: fx.computed(`service/${name}-cluster/${name}`), minCapacity: scaling.min, maxCapacity: scaling.max },
        { deps: { resourceId: [cluster, service] } },
      )
    : undefined;
  return { cluster, service, target };
}

/**
 * An alarm on an ECS service metric with the ClusterName and ServiceName dimensions, built from the
 * cluster's and the service's names (property dependencies), notifying `topic`.
 */
export function ecsServiceAlarm(
  fx: Fixture,
  ecs: { cluster: FixtureResource; service: FixtureResource },
  topic: FixtureResource | null,
  metric: { namespace: string; metricName: string; dimensions?: Record<string, unknown> } = { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount" },
  name = `alarm-${ecs.service.name}`,
): FixtureResource {
  const action = topic ? [fx.ref(topic, "arn", `arn:aws:sns:us-east-1:123456789012:${topic.name}`)] : [];
  return fx.add(T.alarm, name, {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: metric.dimensions ?? { ClusterName: fx.ref(ecs.cluster, "name", ecs.cluster.name), ServiceName: fx.ref(ecs.service, "name", ecs.service.name) },
    statistic: "Minimum",
    period: 60,
    evaluationPeriods: 3,
    threshold: 3,
    comparisonOperator: "LessThanThreshold",
    alarmActions: action,
  });
}
