import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logStreamsArn, retainedLogGroup } from "../shared/logGroup";
import { azLossTemplate, FleetTargets } from "./azLoss";
import { auroraFailoverTemplate, cacheAzPowerTemplate } from "./dataTierScenarios";
import { AccountScope, chooseZone, Concat, GameDayScenario, SCENARIO_TAG, stackArn, TemplatePlan } from "./plan";

/** How long each bounded rehearsal lasts (ISO 8601, PT1M to PT12H, the FIS bounds). */
export interface GameDayDurationSettings {
  /**
   * The AZ loss: the subnets' disruption, the instances' time stopped and the cache's nodes' power
   * interruption in that AZ. Ten minutes covers what
   * the rehearsal is there to see (the load balancer marking the AZ's targets unhealthy within a
   * minute, the fleet's replacement capacity launching in the other AZs, the alarms' evaluation
   * windows of up to five minutes reaching ALARM and then OK) and keeps the blast and the FIS
   * action-minutes small.
   * @default "PT10M"
   */
  azLoss?: string;
  /**
   * The cache's AZ power interruption (the promotion itself takes about a minute; the rest is the
   * group running on fewer nodes, with replacements in that AZ blocked).
   * @default "PT10M"
   */
  cacheAzPower?: string;
}

/** One of the stack's AZs as the rehearsals see it. */
export interface GameDayZone {
  /** AZ ID, e.g. use1-az1. */
  azId: string;
  /** The AZ's name in this account (e.g. us-east-1a): what EC2 and ECS report placement by. */
  azName: pulumi.Input<string>;
  /** ARNs of the subnets the AZ loss cuts off: the AZ's app and data subnets. */
  subnetArns: pulumi.Input<string>[];
}

/** Inputs of GameDays. */
export interface GameDaysArgs {
  /** Prefix of the log group's name and of every description, e.g. "trading-prod-us-east-1". Required. */
  namePrefix: string;
  /** The stack's AZs. Required. */
  zones: GameDayZone[];
  /**
   * The AZ the AZ loss and the cache's power interruption take out, by AZ ID; one of `zones`.
   * @default - the first of `zones`
   */
  azId?: string;
  /** ARN of the stack's VPC (FIS creates its network ACL there). Required. */
  vpcArn: pulumi.Input<string>;
  /** The fleet: the Auto Scaling group (ec2) or the ECS cluster and service (fargate). Required. */
  fleet: FleetTargets<pulumi.Input<string>>;
  /**
   * The Aurora cluster whose writer is failed over. Leave it out where the cluster holds no writer
   * (a global database's secondary): FailoverDBCluster promotes a reader of the cluster to writer.
   * @default - none: no Aurora failover template
   */
  database?: { clusterArn: pulumi.Input<string> };
  /** The cache replication group: its ARN and its `Name` tag. Required. */
  cache: { replicationGroupArn: pulumi.Input<string>; nameTag: pulumi.Input<string> };
  /**
   * A tag every resource of the stack carries and no other stack's does (e.g. Stack: prod-us-east-1,
   * one of the provider's default tags): the cache's target, which FIS selects by tags, requires it. Required.
   */
  stackTag: { key: string; value: string };
  /** CloudWatch alarms that stop every experiment when in ALARM; at least the stack's trading-degraded composite alarm. Required. */
  stopConditionAlarmArns: pulumi.Input<string>[];
  /**
   * Durations of the bounded rehearsals.
   * @default - ten minutes each
   */
  durations?: GameDayDurationSettings;
  /**
   * Retention of the experiments' log group in days.
   * @default 90
   */
  logRetentionDays?: pulumi.Input<number>;
  /**
   * Tags of every template and role, besides the scenario tag `trading:gameday`.
   * @default - none
   */
  tags?: Record<string, string>;
}

const DEFAULT_DURATION = "PT10M";

/**
 * AWS FIS experiment templates that rehearse the failures the stack claims to survive: one AZ lost
 * (fleet, network path and the data stores' nodes there, which fail over as in AWS's AZ power
 * interruption scenario), Aurora's writer failed over, the cache's nodes in one AZ powered off.
 * Each template has its own role with exactly its actions' permissions, targets only this stack's
 * resources (by ARN, or by a tag only this stack's resources carry, narrowed to the AZ), stops on the
 * given alarms, bounds every action that has a duration, and logs to a log group with a retention.
 * A template costs nothing until an experiment is started from it.
 */
export class GameDays extends pulumi.ComponentResource {
  /** The AZ (ID) the AZ loss and the cache's power interruption take out. */
  public readonly azId: string;
  /** The scenarios this stack has templates for, in order. */
  public readonly scenarios: GameDayScenario[];
  /** FIS template id per scenario: what `aws fis start-experiment --experiment-template-id` takes. */
  public readonly templateIds: pulumi.Output<Partial<Record<GameDayScenario, string>>>;
  /** The experiment role's ARN per scenario. */
  public readonly roleArns: pulumi.Output<Partial<Record<GameDayScenario, string>>>;
  /** The log group every experiment of the stack logs to (schema version 2). */
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: GameDaysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:gamedays:GameDays", name, {}, opts);
    const parent = { parent: this };
    if (args.stopConditionAlarmArns.length === 0) {
      throw new Error("GameDays: at least one stop condition alarm (the stack's trading-degraded alarm) is required");
    }
    const zone = chooseZone(args.zones, args.azId);
    this.azId = zone.azId;
    const concat: Concat<pulumi.Input<string>> = (...parts) => pulumi.concat(...parts);
    const scope: AccountScope<pulumi.Input<string>> = {
      partition: aws.getPartitionOutput({}, parent).partition,
      region: aws.getRegionOutput({}, parent).region,
      accountId: aws.getCallerIdentityOutput({}, parent).accountId,
    };
    const durations = { azLoss: args.durations?.azLoss ?? DEFAULT_DURATION, cacheAzPower: args.durations?.cacheAzPower ?? DEFAULT_DURATION };

    const plans: TemplatePlan<pulumi.Input<string>>[] = [
      azLossTemplate(
        {
          scope,
          vpcArn: args.vpcArn,
          zone: { azId: zone.azId, azName: zone.azName, subnetArns: zone.subnetArns },
          fleet: args.fleet,
          dataTier: { cache: { ...args.cache, stackTag: args.stackTag }, ...(args.database ? { database: args.database } : {}) },
          duration: durations.azLoss,
        },
        concat,
      ),
      ...(args.database ? [auroraFailoverTemplate(args.database, concat)] : []),
      cacheAzPowerTemplate({ ...args.cache, stackTag: args.stackTag, azId: this.azId, duration: durations.cacheAzPower }, concat),
    ];

    const logGroup = retainedLogGroup(`${name}-fis`, { name: `/aws/fis/${args.namePrefix}`, retentionInDays: args.logRetentionDays ?? 90 }, this);
    const ids: Partial<Record<GameDayScenario, pulumi.Output<string>>> = {};
    const roles: Partial<Record<GameDayScenario, pulumi.Output<string>>> = {};
    for (const plan of plans) {
      const role = this.experimentRole(name, plan, scope, concat, args.tags ?? {});
      const template = new aws.fis.ExperimentTemplate(
        `${name}-${plan.scenario}`,
        {
          description: `${args.namePrefix}: ${plan.description}`,
          roleArn: role.arn,
          stopConditions: args.stopConditionAlarmArns.map((value) => ({ source: "aws:cloudwatch:alarm", value })),
          targets: plan.targets.map((target) => ({ ...target })),
          actions: plan.actions.map((action) => ({
            name: action.name,
            actionId: action.actionId,
            description: action.description,
            target: action.target,
            ...(Object.keys(action.parameters).length > 0 ? { parameters: Object.entries(action.parameters).map(([key, value]) => ({ key, value })) } : {}),
          })),
          // Never another account's resources; and a template whose targets resolve to nothing fails
          // instead of reporting a rehearsal that touched nothing as completed.
          experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" },
          logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: logStreamsArn(logGroup.arn) } },
          tags: { ...args.tags, [SCENARIO_TAG]: plan.scenario },
        },
        { parent: this, dependsOn: [role.policy] },
      );
      ids[plan.scenario] = template.id;
      roles[plan.scenario] = role.arn;
    }
    this.scenarios = plans.map((plan) => plan.scenario);
    this.templateIds = pulumi.output(ids);
    this.roleArns = pulumi.output(roles);
    this.logGroupName = logGroup.name;
    this.registerOutputs({ templateIds: this.templateIds, roleArns: this.roleArns, logGroupName: this.logGroupName });
  }

  /** The template's role: assumable by FIS for this account's experiments only, with the plan's statements. */
  private experimentRole(
    name: string,
    plan: TemplatePlan<pulumi.Input<string>>,
    scope: AccountScope<pulumi.Input<string>>,
    concat: Concat<pulumi.Input<string>>,
    tags: Record<string, string>,
  ): { arn: pulumi.Output<string>; policy: aws.iam.RolePolicy } {
    const reads = plan.readsOnAllResources;
    const role = new aws.iam.Role(
      `${name}-${plan.scenario}-fis`,
      {
        description: `AWS FIS experiment role of the ${plan.scenario} game day`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "fis.amazonaws.com" },
              Action: "sts:AssumeRole",
              // Only FIS experiments of this account and region (confused-deputy guard, AWS FIS User Guide, IAM roles for experiments).
              Condition: {
                StringEquals: { "aws:SourceAccount": scope.accountId },
                ArnLike: { "aws:SourceArn": stackArn(concat, scope, "fis", "experiment/*") },
              },
            },
          ],
        }),
        // The reads IAM authorises only on `*` are a policy of their own, apart from the scoped one
        // below; iam-least-privilege admits `*` for exactly these (ACTIONS_ONLY_ON_ALL_RESOURCES).
        inlinePolicies:
          reads.length > 0
            ? [{ name: "target-resolution-reads", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "TargetResolutionReads", Effect: "Allow", Action: reads, Resource: "*" }] }) }]
            : [],
        tags: { ...tags, [SCENARIO_TAG]: plan.scenario },
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-${plan.scenario}-fis`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: plan.statements.map((s) => ({ Sid: s.sid, Effect: "Allow", Action: s.actions, Resource: s.resources, ...(s.condition ? { Condition: s.condition } : {}) })),
        }),
      },
      { parent: this },
    );
    return { arn: role.arn, policy };
  }
}
