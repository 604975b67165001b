import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DAX_TLS_PORT, daxGenerationName, daxNodeAvailabilityZones, daxTlsEndpoint } from "./daxPlan";
import { DAX_TABLE_ACTIONS, TABLE_KEY_ACTIONS, viaDynamoDb } from "./perms";

/** A subnet as DAX needs it: where it is, so the nodes can be placed one per AZ. */
export interface DaxSubnet {
  readonly id: pulumi.Input<string>;
  /** AZ name of the subnet (aws.ec2.Subnet's `availabilityZone` output), in this account's naming. */
  readonly availabilityZone: pulumi.Input<string>;
}

/** Inputs of DaxCluster. */
export interface DaxClusterArgs {
  /**
   * Base of the cluster name (see daxClusterName); the cluster is named `<base>-<generation>`, the
   * generation following the inputs that force a new cluster (daxGenerationName).
   */
  readonly clusterName: string;
  /** VPC of the subnets and of the app security group. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private data subnets, one per AZ, in AZ order. Node i goes to the AZ of subnet i, so the
   * placement follows the AZ IDs the network was built on. At least replicationFactor.
   */
  readonly subnets: DaxSubnet[];
  /** The only security group admitted on the DAX TLS port; it also gets the matching egress rule. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** Node type (see DAX_NODE_TYPES). Changing it replaces the cluster. */
  readonly nodeType: pulumi.Input<string>;
  /** Number of nodes, 1 to the number of subnets; plain because it sizes the AZ list. */
  readonly replicationFactor: number;
  /** DAX item cache TTL, ms. */
  readonly itemTtlMillis: pulumi.Input<number>;
  /** DAX query cache TTL, ms. */
  readonly queryTtlMillis: pulumi.Input<number>;
  /** ARN of the table (in this region) DAX fronts. */
  readonly tableArn: pulumi.Input<string>;
  /** ARNs of the table's GSIs in this region. May be empty. */
  readonly indexArns: pulumi.Input<pulumi.Input<string>[]>;
  /** The table's customer-managed key in this region: DAX reads and writes the table with it. */
  readonly tableKmsKeyArn: pulumi.Input<string>;
  /**
   * Refuse to replace (and to delete) the cluster: Pulumi's engine stops a preview or update that
   * would replace a protected resource ("unable to replace resource ... as it is currently marked
   * for protection", pulumi/pulumi#8810, #8873). On in prod, where a replacement empties the cache
   * every read of the trading API goes through.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Weekly maintenance window (ddd:hh24:mi-ddd:hh24:mi, UTC); the default is outside market hours.
   * @default "sun:05:00-sun:06:00"
   */
  readonly maintenanceWindow?: pulumi.Input<string>;
}

/** How big a DAX cluster is and how long it caches: the part of DaxClusterArgs a stack's config decides. */
export type DaxSizing = Pick<DaxClusterArgs, "clusterName" | "nodeType" | "replicationFactor" | "itemTtlMillis" | "queryTtlMillis" | "protect">;

/** Where a DAX cluster lives; DynamoHotPath and GlobalReplica take it from the network. */
export interface DaxPlacement {
  /** VPC of the data subnets and of the app security group. */
  readonly vpcId: pulumi.Input<string>;
  /** Data subnets, one per AZ (aws.ec2.Subnet satisfies this). */
  readonly dataSubnets: DaxSubnet[];
  /** App security group (ClusterSecurityGroups): the only group admitted to DAX. */
  readonly appSecurityGroupId: pulumi.Input<string>;
}

/** The regional DAX cluster in front of `table`, named `<name>-dax`: the one way both roles build it. */
export function daxClusterFor(
  name: string,
  sizing: DaxSizing,
  placement: DaxPlacement,
  table: Pick<DaxClusterArgs, "tableArn" | "indexArns" | "tableKmsKeyArn">,
  opts: pulumi.ComponentResourceOptions,
): DaxCluster {
  return new DaxCluster(
    `${name}-dax`,
    {
      ...sizing,
      vpcId: placement.vpcId,
      subnets: placement.dataSubnets,
      appSecurityGroupId: placement.appSecurityGroupId,
      ...table,
    },
    opts,
  );
}

/**
 * A DAX cluster in front of one table: encrypted at rest, TLS endpoint, nodes spread over the data
 * subnets' AZs, a parameter group with the configured TTLs, a service role limited to the table
 * and its indexes, and a security group admitting the TLS port from the app security group only
 * (plus the matching egress rule on the app group).
 */
export class DaxCluster extends pulumi.ComponentResource {
  public readonly clusterArn: pulumi.Output<string>;
  /** TLS discovery endpoint (daxs://<cluster address>). */
  public readonly endpoint: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  /** AZ names the nodes are placed in, one per node. */
  public readonly nodeAvailabilityZones: pulumi.Output<string[]>;
  public readonly cluster: aws.dax.Cluster;

  constructor(name: string, args: DaxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:dynamo:DaxCluster", name, {}, opts);
    const parent = { parent: this };
    if (args.subnets.length === 0) {
      throw new Error(`DaxCluster ${name}: needs at least one subnet`);
    }
    if (args.replicationFactor > args.subnets.length) {
      throw new Error(
        `DaxCluster ${name}: replicationFactor ${args.replicationFactor} exceeds the ${args.subnets.length} AZs of its subnets; nodes are placed one per AZ`,
      );
    }
    const region = aws.getRegionOutput({}, parent).region;

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `DAX ${args.clusterName}: TLS port ${DAX_TLS_PORT} from the app instances only`,
        tags: { Name: `${name}-dax` },
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-in-app`,
      {
        securityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: DAX_TLS_PORT,
        toPort: DAX_TLS_PORT,
        referencedSecurityGroupId: args.appSecurityGroupId,
        description: "DAX TLS from the app instances",
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-app-out`,
      {
        securityGroupId: args.appSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: DAX_TLS_PORT,
        toPort: DAX_TLS_PORT,
        referencedSecurityGroupId: securityGroup.id,
        description: `To DAX ${args.clusterName} (TLS)`,
      },
      parent,
    );

    const subnetGroup = new aws.dax.SubnetGroup(
      `${name}-subnets`,
      { description: `Data subnets of DAX ${args.clusterName}`, subnetIds: args.subnets.map((s) => s.id) },
      parent,
    );
    const parameterGroup = new aws.dax.ParameterGroup(
      `${name}-params`,
      {
        description: `Cache TTLs of DAX ${args.clusterName}`,
        parameters: [
          { name: "record-ttl-millis", value: pulumi.output(args.itemTtlMillis).apply(String) },
          { name: "query-ttl-millis", value: pulumi.output(args.queryTtlMillis).apply(String) },
        ],
      },
      parent,
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `DAX ${args.clusterName}: access to its table and the table's indexes only`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // No aws:SourceAccount condition: DAX's documented service-role trust policy has none
            // (DynamoDB Developer Guide, "Create an IAM service role for DAX to access DynamoDB"),
            // and a StringEquals on a key the service does not send denies the AssumeRole, so the
            // cluster could never reach its table.
            { Effect: "Allow", Principal: { Service: "dax.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      },
      parent,
    );
    const tableAccess = new aws.iam.RolePolicy(
      `${name}-table-access`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: [...DAX_TABLE_ACTIONS],
              Resource: pulumi.all([args.tableArn, args.indexArns]).apply(([table, indexes]) => [table, ...indexes]),
            },
            // DynamoDB uses the table's key with DAX's credentials when DAX reads or writes it.
            { Effect: "Allow", Action: [...TABLE_KEY_ACTIONS], Resource: args.tableKmsKeyArn, Condition: viaDynamoDb(region) },
          ],
        }),
      },
      parent,
    );

    this.nodeAvailabilityZones = pulumi
      .all(args.subnets.map((s) => s.availabilityZone))
      .apply((names) => daxNodeAvailabilityZones(names, args.replicationFactor));

    const endpointEncryption = "TLS";
    const clusterName = pulumi
      .all([args.nodeType, this.nodeAvailabilityZones, subnetGroup.name, role.arn])
      .apply(([nodeType, availabilityZones, subnetGroupName, iamRoleArn]) =>
        daxGenerationName(args.clusterName, { nodeType, availabilityZones, subnetGroupName, iamRoleArn, endpointEncryption, serverSideEncryption: true }),
      );
    this.cluster = new aws.dax.Cluster(
      `${name}-cluster`,
      {
        clusterName,
        description: `Read cache of the trading table`,
        nodeType: args.nodeType,
        replicationFactor: args.replicationFactor,
        availabilityZones: this.nodeAvailabilityZones,
        subnetGroupName: subnetGroup.name,
        parameterGroupName: parameterGroup.name,
        securityGroupIds: [securityGroup.id],
        iamRoleArn: role.arn,
        serverSideEncryption: { enabled: true },
        clusterEndpointEncryptionType: endpointEncryption,
        maintenanceWindow: args.maintenanceWindow ?? "sun:05:00-sun:06:00",
      },
      {
        parent: this,
        // The role must carry its permissions before DAX first assumes it.
        dependsOn: [tableAccess],
        // Create before delete (Pulumi's default): a replacement has a new generation in its name,
        // so the new cache exists before the old one goes. In prod, not at all (protect).
        protect: args.protect ?? false,
      },
    );

    this.clusterArn = this.cluster.arn;
    this.endpoint = this.cluster.clusterAddress.apply(daxTlsEndpoint);
    this.securityGroupId = securityGroup.id;
    this.registerOutputs({
      clusterArn: this.clusterArn,
      endpoint: this.endpoint,
      securityGroupId: this.securityGroupId,
      nodeAvailabilityZones: this.nodeAvailabilityZones,
    });
  }
}
