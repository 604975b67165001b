/**
 * The AZ-loss rehearsal: in one AZ, the fleet's EC2 instances stopped (or, on Fargate, its ECS tasks
 * stopped), the AZ's app and data subnets cut off from everything outside them, the cache's nodes
 * there powered off and Aurora's writer failed over if it is there, for a bounded time. What FIS can
 * do of AWS's "AZ Availability: Power Interruption" scenario (FIS User Guide, Scenario library) to
 * this stack's own resources. The scenario pairs the subnets' disruption with the data stores' own
 * AZ actions because cutting a subnet off does not fail anything over: the cache's primary and the
 * writer stay healthy, only unreachable, so without those actions the rehearsal would be a partition
 * of the data tier for its whole duration rather than an AZ loss.
 */
import { AuroraFailoverInput, auroraFailoverPart, CacheTarget, cacheAzPowerPart } from "./dataTierScenarios";
import { fisDurationSeconds } from "./duration";
import { FIS_ACTIONS, FIS_PERMISSIONS_ON_ALL_RESOURCES } from "./fisActions";
import { AccountScope, ActionPlan, Concat, stackArn, StatementPlan, TargetPlan, TemplatePlan } from "./plan";

/** The tag EC2 Auto Scaling puts on every instance it launches, naming its group (EC2 Auto Scaling User Guide, "Tag Auto Scaling groups and instances"). */
export const ASG_NAME_TAG = "aws:autoscaling:groupName";

/** The lost AZ: its ID, its name in this account (what EC2 and ECS report instances and tasks by) and its subnets to cut off. */
export interface LostZone<T> {
  azId: string;
  azName: T;
  /** ARNs of the AZ's subnets whose traffic is disrupted (the app and data subnets). */
  subnetArns: T[];
}

/** The fleet: the Auto Scaling group (ec2) or the ECS cluster and service (fargate). */
export type FleetTargets<T> = { platform: "ec2"; autoScalingGroupName: T } | { platform: "fargate"; clusterName: T; serviceName: T };

export interface AzLossInput<T> {
  scope: AccountScope<T>;
  /** The stack's VPC, where FIS creates the network ACL that denies the traffic. */
  vpcArn: T;
  zone: LostZone<T>;
  fleet: FleetTargets<T>;
  /**
   * The data stores with nodes in the lost AZ: the cache (always) and the Aurora cluster where it
   * holds the writer (a global database's secondary has none to fail over).
   */
  dataTier: { cache: CacheTarget<T>; database?: AuroraFailoverInput<T> };
  /** How long the AZ stays lost: the subnets' disruption, the instances' time stopped and the cache's power interruption. */
  duration: string;
}

const onAll = (actions: string[]) => actions.filter((a) => FIS_PERMISSIONS_ON_ALL_RESOURCES.some((p) => p.action === a));

/** The fleet half: which instances or tasks, what is done to them, the role's statements for it. */
function fleetPart<T>(input: AzLossInput<T>, concat: Concat<T>): { target: TargetPlan<T>; action: ActionPlan; statements: StatementPlan<T>[]; reads: string[] } {
  const { scope, zone, fleet, duration } = input;
  if (fleet.platform === "ec2") {
    return {
      // By the group's own tag, so only this stack's instances can match, narrowed to the AZ (the
      // filter path is DescribeInstances' Placement.AvailabilityZone, an AZ name) and to running ones.
      target: {
        name: "FleetInstances",
        resourceType: "aws:ec2:instance",
        selectionMode: "ALL",
        resourceTags: [{ key: ASG_NAME_TAG, value: fleet.autoScalingGroupName }],
        filters: [
          { path: "Placement.AvailabilityZone", values: [zone.azName] },
          { path: "State.Name", values: [concat("running")] },
        ],
      },
      action: {
        name: "stop-fleet-instances",
        actionId: FIS_ACTIONS.stopInstances,
        description: `Stop the fleet's instances in ${zone.azId}; FIS starts them again after ${duration}`,
        // Auto Scaling replaces a stopped instance (it fails the group's health check) and terminates
        // it: without completeIfInstancesTerminated the action fails when it cannot restart it.
        parameters: { startInstancesAfterDuration: duration, completeIfInstancesTerminated: "true" },
        target: { key: "Instances", value: "FleetInstances" },
      },
      statements: [
        {
          sid: "StopStartFleetInstances",
          actions: ["ec2:StartInstances", "ec2:StopInstances"],
          resources: [stackArn(concat, scope, "ec2", "instance/*")],
          // Only instances of this stack's group: the role cannot stop anything else in the account.
          condition: { StringEquals: { [`aws:ResourceTag/${ASG_NAME_TAG}`]: fleet.autoScalingGroupName } },
        },
        {
          // Restarting an instance whose EBS volume is encrypted: EC2 creates a grant on the key for the
          // volume, on the caller's behalf (kms:GrantIsForAWSResource, through EC2 in this region only).
          sid: "RestartEncryptedVolumes",
          actions: ["kms:CreateGrant"],
          resources: [stackArn(concat, scope, "kms", "key/*")],
          condition: { Bool: { "kms:GrantIsForAWSResource": concat("true") }, StringEquals: { "kms:ViaService": concat("ec2.", scope.region, ".amazonaws.com") } },
        },
      ],
      reads: onAll(["ec2:DescribeInstances"]),
    };
  }
  return {
    // The service's tasks by the cluster and service parameters (the FIS targets reference's
    // aws:ecs:task parameters), narrowed to the AZ by DescribeTasks' availabilityZone. A target of
    // parameters alone is what the provider accepts since terraform-provider-aws#35254 dropped its
    // "requires one of resource_arns, resource_tag" check.
    target: {
      name: "ServiceTasks",
      resourceType: "aws:ecs:task",
      selectionMode: "ALL",
      parameters: { cluster: fleet.clusterName, service: fleet.serviceName },
      filters: [{ path: "AvailabilityZone", values: [zone.azName] }],
    },
    action: {
      name: "stop-service-tasks",
      actionId: FIS_ACTIONS.stopTask,
      // StopTask has no duration: the tasks ECS starts in their place stay cut off until the subnets' disruption ends.
      description: `Stop the service's tasks in ${zone.azId}; ECS replaces them`,
      parameters: {},
      target: { key: "Tasks", value: "ServiceTasks" },
    },
    statements: [
      { sid: "StopServiceTasks", actions: ["ecs:DescribeTasks", "ecs:StopTask"], resources: [stackArn(concat, scope, "ecs", "task/", fleet.clusterName, "/*")] },
      // ListTasks is authorised on the cluster's container instances (Service Authorization Reference, Amazon ECS).
      { sid: "ListServiceTasks", actions: ["ecs:ListTasks"], resources: [stackArn(concat, scope, "ecs", "container-instance/", fleet.clusterName, "/*")] },
    ],
    reads: onAll(["tag:GetResources"]),
  };
}

/** The network half: the AZ's subnets, disrupted through a network ACL FIS clones and tags managedByFIS=true. */
function networkStatements<T>(input: AzLossInput<T>, concat: Concat<T>): StatementPlan<T>[] {
  const { scope } = input;
  const acls = stackArn(concat, scope, "ec2", "network-acl/*");
  const fisTagged = (key: string) => ({ StringEquals: { [key]: concat("true") } });
  return [
    // FIS creates its network ACL with the tag managedByFIS=true, in this stack's VPC only.
    { sid: "CreateFisNetworkAcl", actions: ["ec2:CreateNetworkAcl"], resources: [acls], condition: fisTagged("aws:RequestTag/managedByFIS") },
    { sid: "CreateFisNetworkAclInVpc", actions: ["ec2:CreateNetworkAcl"], resources: [input.vpcArn] },
    {
      sid: "TagFisNetworkAcl",
      actions: ["ec2:CreateTags"],
      resources: [acls],
      condition: { StringEquals: { "ec2:CreateAction": concat("CreateNetworkAcl"), "aws:RequestTag/managedByFIS": concat("true") } },
    },
    // Its deny entries, and its deletion at the end, only on an ACL FIS created.
    { sid: "EditFisNetworkAcl", actions: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"], resources: [acls], condition: fisTagged("ec2:ResourceTag/managedByFIS") },
    // Swapping the lost AZ's subnets to the FIS ACL and back to their own.
    { sid: "SwapSubnetNetworkAcl", actions: ["ec2:ReplaceNetworkAclAssociation"], resources: [acls, ...input.zone.subnetArns] },
    // Prefix lists are only read (scope prefix-list is not used): this account's and AWS-managed ones in this region.
    {
      sid: "ReadPrefixListEntries",
      actions: ["ec2:GetManagedPrefixListEntries"],
      resources: [stackArn(concat, scope, "ec2", "prefix-list/*"), concat("arn:", scope.partition, ":ec2:", scope.region, ":aws:prefix-list/*")],
    },
  ];
}

/** The AZ-loss template of the stack. */
export function azLossTemplate<T>(input: AzLossInput<T>, concat: Concat<T>): TemplatePlan<T> {
  fisDurationSeconds(input.duration, "GameDays azLoss duration");
  const fleet = fleetPart(input, concat);
  const what = input.fleet.platform === "ec2" ? "instances" : "tasks";
  const { azId } = input.zone;
  // The cache's nodes in the AZ lose power for as long as the AZ is lost (its primary there: a
  // replica elsewhere is promoted); the writer is failed over only if it is in the AZ. The
  // component's emptyTargetResolutionMode "fail" makes an experiment whose writer is elsewhere fail
  // at its start, before any action, rather than run a rehearsal of a different failure.
  const cache = cacheAzPowerPart({ ...input.dataTier.cache, azId, duration: input.duration }, concat);
  const database = input.dataTier.database ? auroraFailoverPart(input.dataTier.database, concat, azId) : undefined;
  const dataParts = [{ ...cache, action: { ...cache.action, name: "interrupt-cache-az-power" } }, ...(database ? [database] : [])];
  return {
    scenario: "az-loss",
    description:
      `AZ loss: ${azId} for ${input.duration}: the fleet's ${what} there stopped, its app and data subnets cut off, ` +
      `the cache's nodes there powered off${database ? " and Aurora's writer failed over if it is there" : ""}`,
    targets: [fleet.target, { name: "LostSubnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: input.zone.subnetArns }, ...dataParts.map((p) => p.target)],
    actions: [
      fleet.action,
      {
        name: "disrupt-subnets",
        actionId: FIS_ACTIONS.disruptConnectivity,
        description: `Deny all traffic entering and leaving the app and data subnets of ${azId} for ${input.duration}`,
        // scope all: "Denies all traffic entering and leaving the subnet" (traffic within it still flows).
        parameters: { duration: input.duration, scope: "all" },
        target: { key: "Subnets", value: "LostSubnets" },
      },
      ...dataParts.map((p) => p.action),
    ],
    statements: [...fleet.statements, ...networkStatements(input, concat), ...dataParts.map((p) => p.statement)],
    readsOnAllResources: [
      ...new Set([
        ...fleet.reads,
        ...onAll(["ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "tag:GetResources"]),
      ]),
    ].sort(),
  };
}
