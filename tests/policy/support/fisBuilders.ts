/**
 * A small game-day stack for the FIS rules' fixtures: an auto scaling group, its subnets, a metric
 * alarm and a composite alarm, the experiment role with its policy, and an experiment template that
 * stops one AZ's instances and cuts its subnets, built from plain aws resource types as any
 * component would. The defaults pass all four FIS rules; each knob makes one of them fail.
 */
import { AZ_NAMES, T } from "./builders";
import { Fixture, FixtureResource } from "./fixture";

export const FIS = "aws:fis/experimentTemplate:ExperimentTemplate";
export const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
export const STACK_REFERENCE = "pulumi:pulumi:StackReference";

export const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** The ARN the fixture gives `name`'s resource (what `fx.ref(r, "arn")` resolves to after an update). */
export const arnOf = (fx: Fixture, name: string) => `arn:aws:fixture:${fx.region}:123456789012:${name}`;

export const EXACT_ACTIONS = doc({
  Sid: "StopStartInstances",
  Effect: "Allow",
  Action: ["ec2:StopInstances", "ec2:StartInstances"],
  Resource: "arn:aws:ec2:us-east-1:123456789012:instance/*",
});

export interface GameDayStack {
  asg: FixtureResource;
  subnets: FixtureResource[];
  composite: FixtureResource;
  metric: FixtureResource;
  role: FixtureResource;
  template: FixtureResource;
}

export interface GameDayOptions {
  /** Stop conditions (default: the composite alarm's ARN). */
  stopConditions?: (s: Omit<GameDayStack, "template">) => unknown[];
  /** Actions (default: stop the instances for PT10M, cut the subnets for PT10M). */
  actions?: unknown[];
  /** Targets (default: instances by the group's name tag, subnets by ARN). */
  targets?: (s: Omit<GameDayStack, "template">) => unknown[];
  /** The role policy's document (default: exactly the two EC2 actions). */
  rolePolicy?: string;
  /** The template's roleArn (default: the role's ARN). */
  roleArn?: (s: Omit<GameDayStack, "template">) => unknown;
  /** The composite alarm's rule (default: ALARM("fleet-in-service")). */
  compositeRule?: string;
  /** Extra property dependencies of the template (e.g. a StackReference feeding its targets). */
  deps?: Record<string, FixtureResource[]>;
}

const named = (fx: Fixture, type: string, name: string, props: Record<string, unknown>) =>
  fx.add(type, name, props, { computed: { arn: fx.computed(arnOf(fx, name)) } });

export function gameDayStack(fx: Fixture, options: GameDayOptions = {}): GameDayStack {
  const subnets = ["use1-az1", "use1-az2", "use1-az4"].map((az, i) =>
    named(fx, T.subnet, `app-${i}`, { availabilityZoneId: az, availabilityZone: AZ_NAMES[az], cidrBlock: `10.0.${i}.0/24`, vpcId: "vpc-1" }),
  );
  const asg = named(fx, T.asg, "fleet", { name: "trading-fixture-fleet", minSize: 3, maxSize: 6, vpcZoneIdentifiers: subnets.map((s) => fx.ref(s)) });
  const metric = named(fx, T.alarm, "fleet-in-service", { name: "fleet-in-service", comparisonOperator: "LessThanThreshold", threshold: 3 });
  const composite = named(fx, COMPOSITE, "trading-degraded", { alarmName: "trading-fixture-trading-degraded", alarmRule: options.compositeRule ?? `ALARM("fleet-in-service")` });
  const role = named(fx, T.role, "fis-role", { name: "trading-fixture-fis", assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "fis.amazonaws.com" }, Action: "sts:AssumeRole" }) });
  fx.add(T.rolePolicy, "fis-role-actions", { role: fx.ref(role, "name", "trading-fixture-fis"), policy: options.rolePolicy ?? EXACT_ACTIONS });
  const parts = { asg, subnets, composite, metric, role };
  const template = fx.add(
    FIS,
    "az-loss",
    {
      description: "one AZ lost",
      roleArn: options.roleArn ? options.roleArn(parts) : fx.ref(role, "arn"),
      stopConditions: options.stopConditions ? options.stopConditions(parts) : [{ source: "aws:cloudwatch:alarm", value: fx.ref(composite, "arn") }],
      actions: options.actions ?? [
        {
          name: "stop-instances",
          actionId: "aws:ec2:stop-instances",
          parameters: [{ key: "startInstancesAfterDuration", value: "PT10M" }],
          target: { key: "Instances", value: "az-instances" },
        },
        {
          name: "disrupt-subnets",
          actionId: "aws:network:disrupt-connectivity",
          parameters: [
            { key: "duration", value: "PT10M" },
            { key: "scope", value: "all" },
          ],
          target: { key: "Subnets", value: "az-subnets" },
        },
      ],
      targets: options.targets
        ? options.targets(parts)
        : [
            {
              name: "az-instances",
              resourceType: "aws:ec2:instance",
              selectionMode: "ALL",
              resourceTags: [{ key: "aws:autoscaling:groupName", value: fx.ref(asg, "name", "trading-fixture-fleet") }],
              filters: [{ path: "Placement.AvailabilityZone", values: ["us-east-1c"] }],
            },
            { name: "az-subnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: [fx.ref(subnets[0], "arn")] },
          ],
    },
    options.deps ? { deps: options.deps } : {},
  );
  return { ...parts, template };
}
