import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  Dimension,
  DIMENSIONS,
  predefinedMetric,
  scalableDimension,
  scalableResourceId,
  ScalingBounds,
  scalingPolicyName,
  ScheduledCapacity,
} from "./capacity";

/** Range and target of one dimension's target-tracking policy. */
export interface ScalingSpec extends ScalingBounds {
  /** Target utilisation, percent (20-90). */
  readonly targetUtilization: number;
}

/** Inputs of TableAutoScaling. */
export interface TableAutoScalingArgs {
  /**
   * Name of the table in this region. Pass an Output of the table (or replica) resource, so that
   * every scalable target waits for the table to exist.
   */
  readonly tableName: pulumi.Input<string>;
  /** GSIs to scale, by name (plain: each becomes its own targets). May be empty. */
  readonly indexNames: string[];
  /** Table scaling per dimension; a dimension left out is not managed here. */
  readonly table: Partial<Record<Dimension, ScalingSpec>>;
  /** Scaling of every GSI per dimension; a dimension left out is not managed here. */
  readonly index: Partial<Record<Dimension, ScalingSpec>>;
  /**
   * Scheduled range changes, each applied to the table and every GSI.
   * @default - none
   */
  readonly scheduledActions?: ScheduledCapacity[];
  /**
   * IANA time zone of the scheduled actions' cron expressions.
   * @default "UTC"
   */
  readonly scheduleTimezone?: string;
}

/** One scalable target with its policy, exposed so tests and other components can follow them. */
export interface ScaledDimension {
  /** "table" or the index name. */
  scope: string;
  dimension: Dimension;
  target: aws.appautoscaling.Target;
  policy: aws.appautoscaling.Policy;
  scheduledActions: aws.appautoscaling.ScheduledAction[];
}

/**
 * Application Auto Scaling for a DynamoDB table and its GSIs in the current region: a scalable
 * target and a target-tracking policy per (table or index) × (read or write), plus the scheduled
 * actions. Policies and scheduled actions take their resource id from the target's outputs, so
 * they are created only after the target is registered.
 */
export class TableAutoScaling extends pulumi.ComponentResource {
  public readonly scaled: ScaledDimension[];
  /** ARNs of the write policies, resolved once every write policy exists. */
  public readonly writePolicyArns: pulumi.Output<string[]>;
  /** ARNs of the read policies. */
  public readonly readPolicyArns: pulumi.Output<string[]>;

  constructor(name: string, args: TableAutoScalingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:dynamo:TableAutoScaling", name, {}, opts);
    const parent = { parent: this };
    const scopes: { scope: string; kind: "table" | "index"; indexName?: string; specs: Partial<Record<Dimension, ScalingSpec>> }[] = [
      { scope: "table", kind: "table", specs: args.table },
      ...args.indexNames.map((indexName) => ({ scope: indexName, kind: "index" as const, indexName, specs: args.index })),
    ];

    this.scaled = [];
    for (const { scope, kind, indexName, specs } of scopes) {
      for (const dimension of DIMENSIONS) {
        const spec = specs[dimension];
        if (!spec) {
          continue;
        }
        const resourceId = pulumi.output(args.tableName).apply((table) => scalableResourceId(table, indexName));
        const target = new aws.appautoscaling.Target(
          `${name}-${scope}-${dimension}`,
          {
            serviceNamespace: "dynamodb",
            resourceId,
            scalableDimension: scalableDimension(kind, dimension),
            minCapacity: spec.min,
            maxCapacity: spec.max,
          },
          parent,
        );
        const policy = new aws.appautoscaling.Policy(
          `${name}-${scope}-${dimension}`,
          {
            name: target.resourceId.apply((id) => scalingPolicyName(id, dimension)),
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            targetTrackingScalingPolicyConfiguration: {
              targetValue: spec.targetUtilization,
              predefinedMetricSpecification: { predefinedMetricType: predefinedMetric(dimension) },
            },
          },
          parent,
        );
        const scheduledActions = (args.scheduledActions ?? []).flatMap((action) => {
          const bounds = action[dimension];
          if (!bounds) {
            return [];
          }
          return [
            new aws.appautoscaling.ScheduledAction(
              `${name}-${scope}-${dimension}-${action.name}`,
              {
                name: action.name,
                serviceNamespace: target.serviceNamespace,
                resourceId: target.resourceId,
                scalableDimension: target.scalableDimension,
                schedule: action.schedule,
                timezone: args.scheduleTimezone ?? "UTC",
                scalableTargetAction: { minCapacity: bounds.min, maxCapacity: bounds.max },
              },
              parent,
            ),
          ];
        });
        this.scaled.push({ scope, dimension, target, policy, scheduledActions });
      }
    }

    const arns = (dimension: Dimension) => pulumi.all(this.scaled.filter((s) => s.dimension === dimension).map((s) => s.policy.arn));
    this.writePolicyArns = arns("write");
    this.readPolicyArns = arns("read");
    this.registerOutputs({ writePolicyArns: this.writePolicyArns, readPolicyArns: this.readPolicyArns });
  }
}
