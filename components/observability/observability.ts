import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, AlarmTargets, AlarmThresholds, degradedRule, isMetricMath, MetricRef, planAlarms } from "./alarmPlan";
import { AlarmTopic } from "./alarmTopic";
import { dashboardBody } from "./dashboard";

/** The EventBridge detail types of an instance refresh that did not complete (EventBridge events reference, Amazon EC2 Auto Scaling). */
export const INSTANCE_REFRESH_FAILURE_EVENTS = ["EC2 Auto Scaling Instance Refresh Failed", "EC2 Auto Scaling Instance Refresh Cancelled"] as const;

/**
 * The EventBridge event of an ECS service deployment that failed: the deployment circuit breaker
 * stopped it (and rolled back to the last completed deployment, as the service is configured).
 * "Amazon ECS service deployment state change events", ECS Developer Guide: detail-type
 * "ECS Deployment State Change", `resources` the service ARN, `detail.eventName`
 * SERVICE_DEPLOYMENT_FAILED.
 */
export const ECS_DEPLOYMENT_FAILURE_EVENT = { detailType: "ECS Deployment State Change", eventName: "SERVICE_DEPLOYMENT_FAILED" } as const;

/**
 * The fleet's "a rollout did not complete" rule and how its events read on the topic: an instance
 * refresh that failed or was cancelled (ec2), or a service deployment the circuit breaker failed
 * (fargate). The ec2 resources keep their names.
 */
function deploymentFailureRule(
  name: string,
  prefix: string,
  fleet: AlarmTargets<pulumi.Input<string>>["fleet"],
  parent: pulumi.CustomResourceOptions,
): { rule: aws.cloudwatch.EventRule; targetName: string; inputTransformer: aws.types.input.cloudwatch.EventTargetInputTransformer } {
  if (fleet.platform === "fargate") {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-ecs-deployment`,
      {
        name: `${prefix}-ecs-deployment-failed`,
        description: "A deployment of the trading service failed (deployment circuit breaker): ECS rolled back to the last completed deployment",
        eventPattern: pulumi.jsonStringify({
          source: ["aws.ecs"],
          "detail-type": [ECS_DEPLOYMENT_FAILURE_EVENT.detailType],
          resources: [fleet.ecsServiceArn],
          detail: { eventName: [ECS_DEPLOYMENT_FAILURE_EVENT.eventName] },
        }),
      },
      parent,
    );
    return {
      rule,
      targetName: `${name}-ecs-deployment`,
      inputTransformer: {
        inputPaths: { service: "$.resources[0]", deployment: "$.detail.deploymentId", reason: "$.detail.reason", time: "$.time" },
        inputTemplate: '"ECS deployment <deployment> of <service> failed at <time>: <reason>. The circuit breaker rolled back to the last completed deployment."',
      },
    };
  }
  const rule = new aws.cloudwatch.EventRule(
    `${name}-instance-refresh`,
    {
      name: `${prefix}-instance-refresh-failed`,
      description: "An instance refresh of the trading fleet failed or was cancelled: the old launch template version is still serving",
      eventPattern: pulumi.jsonStringify({
        source: ["aws.autoscaling"],
        "detail-type": [...INSTANCE_REFRESH_FAILURE_EVENTS],
        detail: { AutoScalingGroupName: [fleet.autoScalingGroupName] },
      }),
    },
    parent,
  );
  return {
    rule,
    targetName: `${name}-instance-refresh`,
    inputTransformer: {
      inputPaths: { status: "$.detail-type", group: "$.detail.AutoScalingGroupName", refresh: "$.detail.InstanceRefreshId", time: "$.time" },
      inputTemplate: '"<status>: Auto Scaling group <group>, instance refresh <refresh>, at <time>. The previous launch template version keeps serving; see the refresh\'s status reason."',
    },
  };
}

/** Where alarms go: a topic this stack creates with these subscribers, or an existing topic. */
export interface AlarmNotifications {
  /**
   * Email addresses subscribed to the created topic.
   * @default - none
   */
  emailAddresses?: string[];
  /**
   * HTTPS endpoints subscribed to the created topic.
   * @default - none
   */
  httpsEndpoints?: string[];
  /**
   * Other AWS accounts whose principals may subscribe to the created topic.
   * @default - none: only this account
   */
  subscriberAccountIds?: string[];
  /**
   * An existing topic of this region to notify instead of creating one. Its key policy must let
   * cloudwatch.amazonaws.com and events.amazonaws.com use its key and its topic policy must let them
   * publish (see notificationPolicies.ts).
   * @default - none: a topic is created
   */
  existingTopicArn?: string;
}

/** Inputs of Observability. */
export interface ObservabilityArgs {
  /** Prefix of every alarm, the topic, the event rule and the dashboard, e.g. "trading-prod-us-east-1". Required. */
  namePrefix: string;
  /** The resources watched, by their CloudWatch identifiers (Outputs of the resources themselves). Required. */
  targets: AlarmTargets<pulumi.Output<string>>;
  /** Every threshold (from the stack config). Required. */
  thresholds: AlarmThresholds;
  /** Who is notified. Required (may be empty outside prod). */
  notifications: AlarmNotifications;
}

type DimensionValue = pulumi.Output<string> | string;

function dimensionsOf(metric: MetricRef<pulumi.Output<string>>): Record<string, DimensionValue> {
  return metric.dimensions;
}

/** `p99` and other percentiles are extended statistics; the rest are standard statistics. */
function statisticArgs(stat: string): { statistic?: string; extendedStatistic?: string } {
  return /^p\d+(\.\d+)?$/.test(stat) ? { extendedStatistic: stat } : { statistic: stat };
}

/**
 * Alarms on every tier, one notification path, the instance refresh failure rule, a composite
 * "trading degraded" alarm and the stack's dashboard. Each alarm's dimensions are the watched
 * resource's own outputs, so it depends on (and is created after) that resource; alarm and OK
 * transitions both notify the topic.
 */
export class Observability extends pulumi.ComponentResource {
  /** The SNS topic every alarm notifies on ALARM and on OK (created, or `existingTopicArn`). */
  public readonly topicArn: pulumi.Output<string>;
  /** Names of the metric alarms, in plan order (edge, fleet, data). */
  public readonly alarmNames: pulumi.Output<string[]>;
  /** The composite alarm in ALARM while any tier alarm is: the one to build other alarms on. */
  public readonly degradedAlarmName: pulumi.Output<string>;
  /** That composite alarm's ARN: what an AWS FIS stop condition names. */
  public readonly degradedAlarmArn: pulumi.Output<string>;
  /** The stack's CloudWatch dashboard. */
  public readonly dashboardName: pulumi.Output<string>;
  /** EventBridge rule that notifies the topic when an instance refresh fails or is cancelled (ec2), or a service deployment fails (fargate). */
  public readonly instanceRefreshRuleArn: pulumi.Output<string>;
  /** The plan the alarms were made from (for the offline plan and tests). */
  public readonly plan: AlarmSpec<pulumi.Output<string>>[];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:observability:Observability", name, {}, opts);
    const parent = { parent: this };
    const prefix = args.namePrefix;
    const region = aws.getRegionOutput({}, parent).region;

    // The rule first: the created topic's policy names it as an allowed publisher.
    const fleetRule = deploymentFailureRule(name, prefix, args.targets.fleet, parent);

    let topicArn: pulumi.Output<string>;
    if (args.notifications.existingTopicArn) {
      topicArn = pulumi.output(args.notifications.existingTopicArn);
    } else {
      const topic = new AlarmTopic(
        `${name}-alarms`,
        {
          topicName: `${prefix}-alarms`,
          emailAddresses: args.notifications.emailAddresses,
          httpsEndpoints: args.notifications.httpsEndpoints,
          subscriberAccountIds: args.notifications.subscriberAccountIds,
          eventRuleArns: [fleetRule.rule.arn],
        },
        parent,
      );
      topicArn = topic.topicArn;
    }

    new aws.cloudwatch.EventTarget(fleetRule.targetName, { rule: fleetRule.rule.name, arn: topicArn, inputTransformer: fleetRule.inputTransformer }, parent);

    this.plan = planAlarms(args.targets, args.thresholds);
    const alarms = new Map<string, aws.cloudwatch.MetricAlarm>();
    for (const spec of this.plan) {
      alarms.set(spec.id, this.metricAlarm(name, prefix, spec, topicArn));
    }

    const critical = this.plan.filter((spec) => spec.critical).map((spec) => alarms.get(spec.id) as aws.cloudwatch.MetricAlarm);
    const degraded = new aws.cloudwatch.CompositeAlarm(
      `${name}-degraded`,
      {
        alarmName: `${prefix}-trading-degraded`,
        alarmDescription: "Trading is degraded: at least one critical alarm of the edge, fleet or data tier is in ALARM (see the dashboard).",
        alarmRule: pulumi.all(critical.map((alarm) => alarm.name)).apply(degradedRule),
        actionsEnabled: true,
        alarmActions: [topicArn],
        okActions: [topicArn],
      },
      parent,
    );

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `${prefix}`,
        dashboardBody: pulumi.jsonStringify(
          dashboardBody({ title: `Trading platform ${prefix}: edge, fleet, data`, region, targets: args.targets, degradedAlarmArn: degraded.arn }),
        ),
      },
      parent,
    );

    this.topicArn = topicArn;
    this.alarmNames = pulumi.all([...alarms.values()].map((alarm) => alarm.name));
    this.degradedAlarmName = degraded.alarmName;
    this.degradedAlarmArn = degraded.arn;
    this.dashboardName = dashboard.dashboardName;
    this.instanceRefreshRuleArn = fleetRule.rule.arn;
    this.registerOutputs({
      topicArn: this.topicArn,
      alarmNames: this.alarmNames,
      degradedAlarmName: this.degradedAlarmName,
      degradedAlarmArn: this.degradedAlarmArn,
      dashboardName: this.dashboardName,
      instanceRefreshRuleArn: this.instanceRefreshRuleArn,
    });
  }

  private metricAlarm(name: string, prefix: string, spec: AlarmSpec<pulumi.Output<string>>, topicArn: pulumi.Output<string>): aws.cloudwatch.MetricAlarm {
    const common = {
      name: `${prefix}-${spec.id}`,
      alarmDescription: `${spec.description} Threshold ${spec.thresholdText} (config ${spec.configKey}).`,
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      actionsEnabled: true,
      alarmActions: [topicArn],
      okActions: [topicArn],
      tags: { Tier: spec.tier, Watches: spec.group },
    };
    const metric = spec.metric;
    const args: aws.cloudwatch.MetricAlarmArgs = isMetricMath(metric)
      ? {
          ...common,
          metricQueries: [
            { id: "result", expression: metric.expression, label: metric.label, returnData: true },
            ...Object.entries(metric.metrics).map(([id, m]) => ({
              id,
              returnData: false,
              metric: { namespace: m.namespace, metricName: m.metricName, dimensions: dimensionsOf(m), period: m.period, stat: m.stat },
            })),
          ],
        }
      : {
          ...common,
          namespace: metric.namespace,
          metricName: metric.metricName,
          dimensions: dimensionsOf(metric),
          period: metric.period,
          ...statisticArgs(metric.stat),
        };
    return new aws.cloudwatch.MetricAlarm(`${name}-${spec.id}`, args, { parent: this });
  }
}
