/**
 * The AWS FIS actions the rehearsals use and the IAM actions each needs, as AWS FIS User Guide,
 * "AWS FIS Actions reference" (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html)
 * lists them under each action's "Permissions". Every template's role holds exactly the union of
 * its actions' lists (tests/components/gamedays assert it), no more.
 *
 * DAX has no FIS action: the reference's sections are CloudWatch, DynamoDB, Aurora DSQL, EBS, EC2,
 * ECS, EKS, ElastiCache, Kinesis, Lambda, MemoryDB, network, RDS, S3, Systems Manager and Direct
 * Connect. A DAX node reboot (dax:RebootNode) is therefore not rehearsed by FIS (components/gamedays/README.md).
 */

export const FIS_ACTIONS = {
  stopInstances: "aws:ec2:stop-instances",
  stopTask: "aws:ecs:stop-task",
  disruptConnectivity: "aws:network:disrupt-connectivity",
  failoverDbCluster: "aws:rds:failover-db-cluster",
  // The reference's current name; it was aws:elasticache:interrupt-cluster-az-power, which AWS asks
  // templates to migrate from now that the action covers every replication group type (Valkey too).
  cacheInterruptAzPower: "aws:elasticache:replicationgroup-interrupt-az-power",
} as const;

export type FisActionId = (typeof FIS_ACTIONS)[keyof typeof FIS_ACTIONS];

/** "Permissions" of each action in the FIS actions reference (optional ones included where the template uses what needs them). */
export const FIS_ACTION_PERMISSIONS: Readonly<Record<FisActionId, readonly string[]>> = {
  // ec2:DescribeInstances is "Required with completeIfInstancesTerminated", kms:CreateGrant "Required
  // with startInstancesAfterDuration to restart instances with encrypted volumes": the fleet's root
  // volumes are encrypted (components/cluster/launchTemplate.ts) and the template sets both parameters.
  [FIS_ACTIONS.stopInstances]: ["ec2:StopInstances", "ec2:StartInstances", "ec2:DescribeInstances", "kms:CreateGrant"],
  [FIS_ACTIONS.stopTask]: ["ecs:DescribeTasks", "ecs:ListTasks", "ecs:StopTask", "tag:GetResources"],
  [FIS_ACTIONS.disruptConnectivity]: [
    "ec2:CreateNetworkAcl",
    "ec2:CreateNetworkAclEntry",
    "ec2:CreateTags",
    "ec2:DeleteNetworkAcl",
    "ec2:DescribeManagedPrefixLists",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:GetManagedPrefixListEntries",
    "ec2:ReplaceNetworkAclAssociation",
  ],
  [FIS_ACTIONS.failoverDbCluster]: ["rds:FailoverDBCluster", "rds:DescribeDBClusters", "tag:GetResources"],
  [FIS_ACTIONS.cacheInterruptAzPower]: ["elasticache:InterruptClusterAzPower", "elasticache:DescribeReplicationGroups", "tag:GetResources"],
};

/**
 * The permissions above that IAM evaluates only against `"Resource": "*"`: their Service
 * Authorization Reference entries list no resource type ("If there is no value for this column, you
 * must specify all resources ("*")"). Each is a read (a Describe or the tagging API's GetResources,
 * which FIS uses to resolve targets); every action that changes something is scoped to this stack's ARNs.
 */
export const FIS_PERMISSIONS_ON_ALL_RESOURCES: readonly { action: string; source: string }[] = [
  { action: "ec2:DescribeInstances", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html" },
  { action: "ec2:DescribeManagedPrefixLists", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html" },
  { action: "ec2:DescribeNetworkAcls", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html" },
  { action: "ec2:DescribeSubnets", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html" },
  { action: "ec2:DescribeVpcs", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html" },
  { action: "tag:GetResources", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonresourcegrouptaggingapi.html" },
];

/** The IAM actions a template's role needs: the union of its FIS actions' permissions, sorted. */
export function permissionsOf(actionIds: readonly FisActionId[]): string[] {
  return [...new Set(actionIds.flatMap((id) => FIS_ACTION_PERMISSIONS[id]))].sort();
}
