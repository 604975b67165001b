import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_WRITE_AND_DESCRIBE_ACTIONS, logStreamsArn, retainedLogGroup } from "../shared/logGroup";
import { NatGatewayMode } from "./config";
import { DEFAULT_AZ_SLOTS_PER_TIER, DEFAULT_TIER_PREFIXES, planSubnets, SubnetTier, TierPrefixes } from "./subnetPlan";

/**
 * Inputs of HaNetwork.
 *
 * The CIDR and the AZ list are plain values rather than `pulumi.Input`s on purpose: the subnet plan
 * is computed when the program runs, so that every subnet is a resource with a known AZ in a
 * preview (and in the offline policy run), not something created inside an `apply`.
 */
export interface HaNetworkArgs {
  /** IPv4 CIDR of the VPC, /16 to /24. */
  readonly cidrBlock: string;
  /** AZ IDs to spread over, in output order (e.g. use1-az1). HA needs three. */
  readonly availabilityZoneIds: string[];
  /**
   * Prefix length per tier.
   * @default - public /24, app /20, data /24
   */
  readonly subnetPrefixes?: TierPrefixes;
  /**
   * Subnet slots reserved per tier so adding an AZ never renumbers subnets.
   * @default 4
   */
  readonly azSlotsPerTier?: number;
  /**
   * "perAz": a NAT gateway in each AZ. "single": one NAT in the first AZ, for dev cost only.
   * Plain, not an Input: it decides which resources exist.
   * @default "perAz"
   */
  readonly natGatewayMode?: NatGatewayMode;
  /**
   * Retention of the VPC flow log group in days.
   * @default 90
   */
  readonly flowLogRetentionDays?: pulumi.Input<number>;
}

/** Per-AZ resources, exposed so that other components (and tests) can follow dependencies to them. */
export interface AzNetwork {
  azId: string;
  publicSubnet: aws.ec2.Subnet;
  appSubnet: aws.ec2.Subnet;
  dataSubnet: aws.ec2.Subnet;
  appRouteTable: aws.ec2.RouteTable;
  dataRouteTable: aws.ec2.RouteTable;
  natGateway?: aws.ec2.NatGateway;
}

/**
 * A VPC over several AZs with public, app (private, egress through a NAT in the same AZ) and data
 * (private, no internet route) subnets in each; gateway endpoints for DynamoDB and S3 on every
 * private route table; flow logs; and a default security group with no rules.
 */
export class HaNetwork extends pulumi.ComponentResource {
  /** Id of the VPC. */
  public readonly vpcId: pulumi.Output<string>;
  /** The VPC's IPv4 CIDR (`cidrBlock`). */
  public readonly vpcCidr: pulumi.Output<string>;
  /** AZ names as this account sees them, in the order of `availabilityZoneIds`. */
  public readonly availabilityZoneNames: pulumi.Output<string[]>;
  /** The AZ IDs the network spans, as given (`availabilityZoneIds`): every per-AZ list below is in this order. */
  public readonly availabilityZoneIds: pulumi.Output<string[]>;
  /** Public subnets, one per AZ: the ALB's nodes and the NAT gateways. */
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  /** App (private) subnets, one per AZ: the fleet; egress through the NAT gateway of the same AZ (or the single one). */
  public readonly appSubnetIds: pulumi.Output<string[]>;
  /** Data subnets, one per AZ: Aurora, the cache and DAX; no route to the internet. */
  public readonly dataSubnetIds: pulumi.Output<string[]>;
  /** The public route table (default route to the internet gateway), shared by every public subnet. */
  public readonly publicRouteTableId: pulumi.Output<string>;
  /** Route tables of the app subnets, one per AZ, with the gateway endpoints. */
  public readonly appRouteTableIds: pulumi.Output<string[]>;
  /** Route tables of the data subnets, one per AZ, with the gateway endpoints and no default route. */
  public readonly dataRouteTableIds: pulumi.Output<string[]>;
  /** NAT gateways: one per AZ (`perAz`) or one in the first AZ (`single`). */
  public readonly natGatewayIds: pulumi.Output<string[]>;
  /** Resources per AZ, in AZ order. */
  public readonly zones: AzNetwork[];
  /** The VPC resource itself, for dependencies. */
  public readonly vpc: aws.ec2.Vpc;

  constructor(name: string, args: HaNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:network:HaNetwork", name, {}, opts);
    const azIds = args.availabilityZoneIds;
    const plan = planSubnets({
      vpcCidr: args.cidrBlock,
      azCount: azIds.length,
      prefixes: args.subnetPrefixes ?? DEFAULT_TIER_PREFIXES,
      slotsPerTier: args.azSlotsPerTier ?? DEFAULT_AZ_SLOTS_PER_TIER,
    });
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `${name}-vpc` } },
      parent,
    );
    const vpcId = this.vpc.id;

    // Nothing should ever rely on the default group; with no rules it admits and emits nothing.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId, ingress: [], egress: [], tags: { Name: `${name}-default-sg (no rules)` } },
      parent,
    );

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId, tags: { Name: `${name}-igw` } }, parent);
    const publicRouteTable = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      { vpcId, tags: { Name: `${name}-public-rt`, Tier: "public" } },
      parent,
    );
    new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      parent,
    );

    const subnet = (tier: SubnetTier, index: number) => {
      const azId = azIds[index];
      const subnetName = `${name}-${tier}-${azId}`;
      return new aws.ec2.Subnet(
        subnetName,
        {
          vpcId,
          cidrBlock: plan[tier][index],
          availabilityZoneId: azId,
          // Even public subnets hand out no public IPs: only the ALB and NAT gateways live there.
          mapPublicIpOnLaunch: false,
          tags: { Name: subnetName, Tier: tier },
        },
        parent,
      );
    };

    const zones: AzNetwork[] = azIds.map((azId, index) => ({
      azId,
      publicSubnet: subnet("public", index),
      appSubnet: subnet("app", index),
      dataSubnet: subnet("data", index),
      appRouteTable: new aws.ec2.RouteTable(
        `${name}-app-rt-${azId}`,
        { vpcId, tags: { Name: `${name}-app-rt-${azId}`, Tier: "app" } },
        parent,
      ),
      dataRouteTable: new aws.ec2.RouteTable(
        `${name}-data-rt-${azId}`,
        { vpcId, tags: { Name: `${name}-data-rt-${azId}`, Tier: "data" } },
        parent,
      ),
    }));
    this.zones = zones;

    const singleNat = args.natGatewayMode === "single";
    for (const [index, zone] of zones.entries()) {
      if (singleNat && index > 0) {
        continue;
      }
      const eip = new aws.ec2.Eip(
        `${name}-nat-eip-${zone.azId}`,
        { domain: "vpc", tags: { Name: `${name}-nat-eip-${zone.azId}` } },
        parent,
      );
      zone.natGateway = new aws.ec2.NatGateway(
        `${name}-nat-${zone.azId}`,
        { allocationId: eip.allocationId, subnetId: zone.publicSubnet.id, tags: { Name: `${name}-nat-${zone.azId}` } },
        { parent: this, dependsOn: [igw] },
      );
    }

    for (const zone of zones) {
      new aws.ec2.RouteTableAssociation(
        `${name}-public-rta-${zone.azId}`,
        { subnetId: zone.publicSubnet.id, routeTableId: publicRouteTable.id },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-app-rta-${zone.azId}`,
        { subnetId: zone.appSubnet.id, routeTableId: zone.appRouteTable.id },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-data-rta-${zone.azId}`,
        { subnetId: zone.dataSubnet.id, routeTableId: zone.dataRouteTable.id },
        parent,
      );
      // Egress of each AZ goes through its own NAT, so losing one AZ never cuts another's egress.
      const nat = (zone.natGateway ?? zones[0].natGateway) as aws.ec2.NatGateway;
      new aws.ec2.Route(
        `${name}-app-default-${zone.azId}`,
        { routeTableId: zone.appRouteTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
        parent,
      );
    }

    // Gateway endpoints are free and keep DynamoDB and S3 traffic off the NAT's per-GB charge.
    const privateRouteTableIds = zones.flatMap((z) => [z.appRouteTable.id, z.dataRouteTable.id]);
    for (const service of ["dynamodb", "s3"]) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}-endpoint`,
        {
          vpcId,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds: privateRouteTableIds,
          tags: { Name: `${name}-${service}-endpoint` },
        },
        parent,
      );
    }

    this.createFlowLogs(name, vpcId, args.flowLogRetentionDays ?? 90);

    this.vpcId = vpcId;
    this.vpcCidr = this.vpc.cidrBlock;
    this.availabilityZoneIds = pulumi.output(azIds);
    this.availabilityZoneNames = pulumi.all(zones.map((z) => z.appSubnet.availabilityZone));
    this.publicSubnetIds = pulumi.all(zones.map((z) => z.publicSubnet.id));
    this.appSubnetIds = pulumi.all(zones.map((z) => z.appSubnet.id));
    this.dataSubnetIds = pulumi.all(zones.map((z) => z.dataSubnet.id));
    this.publicRouteTableId = publicRouteTable.id;
    this.appRouteTableIds = pulumi.all(zones.map((z) => z.appRouteTable.id));
    this.dataRouteTableIds = pulumi.all(zones.map((z) => z.dataRouteTable.id));
    this.natGatewayIds = pulumi.all(zones.flatMap((z) => (z.natGateway ? [z.natGateway.id] : [])));

    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      availabilityZoneNames: this.availabilityZoneNames,
      availabilityZoneIds: this.availabilityZoneIds,
      publicSubnetIds: this.publicSubnetIds,
      appSubnetIds: this.appSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
      publicRouteTableId: this.publicRouteTableId,
      appRouteTableIds: this.appRouteTableIds,
      dataRouteTableIds: this.dataRouteTableIds,
      natGatewayIds: this.natGatewayIds,
    });
  }

  private createFlowLogs(name: string, vpcId: pulumi.Output<string>, retentionInDays: pulumi.Input<number>): void {
    const parent = { parent: this };
    const logGroup = retainedLogGroup(`${name}-flow-logs`, { namePrefix: `/vpc/${name}/flow-logs-`, retentionInDays }, this);
    const role = new aws.iam.Role(
      `${name}-flow-logs-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      },
      parent,
    );
    // What AWS documents for a flow log's role ("IAM role for publishing flow logs to CloudWatch
    // Logs", Amazon VPC User Guide): write and describe streams, and DescribeLogGroups, which the
    // service calls to find its group (a list action, granted on "*" as documented). No
    // CreateLogGroup: the group exists first, with its retention.
    const writePolicy = new aws.iam.RolePolicy(
      `${name}-flow-logs-write`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: [...LOG_WRITE_AND_DESCRIBE_ACTIONS],
              Resource: [logGroup.arn, logStreamsArn(logGroup.arn)],
            },
            { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
          ],
        }),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
      },
      // The role must be able to write before the first delivery, or the flow log starts in error.
      { parent: this, dependsOn: [writePolicy] },
    );
  }
}
