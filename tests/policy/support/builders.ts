/**
 * Small AWS shapes for policy fixtures, built from plain aws resource types (as any component
 * would create them): a VPC with tiers per AZ and NAT routing, an auto scaling group with its
 * launch template, a load balancer, an Aurora cluster, a cache, DAX, a DynamoDB table with auto
 * scaling. Each takes the knobs the rules look at; the defaults are compliant (the Aurora and DAX
 * clusters are Pulumi-protected).
 */
import { Fixture, FixtureResource } from "./fixture";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  igw: "aws:ec2/internetGateway:InternetGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  volume: "aws:ebs/volume:Volume",
  asg: "aws:autoscaling/group:Group",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsStandalone: "aws:rds/instance:Instance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  rdsClusterParams: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  dax: "aws:dax/cluster:Cluster",
  table: "aws:dynamodb/table:Table",
  replica: "aws:dynamodb/tableReplica:TableReplica",
  target: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  bucket: "aws:s3/bucket:Bucket",
  bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamPolicy: "aws:iam/policy:Policy",
  role: "aws:iam/role:Role",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  fn: "aws:lambda/function:Function",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  queue: "aws:sqs/queue:Queue",
  bucketLogging: "aws:s3/bucketLogging:BucketLogging",
  bucketObject: "aws:s3/bucketObjectv2:BucketObjectv2",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  kinesisStream: "aws:kinesis/stream:Stream",
  kmsKey: "aws:kms/key:Key",
} as const;

/** AZ ID → AZ name in the fixtures' us-east-1 (deliberately not a → az1). */
export const AZ_NAMES: Record<string, string> = {
  "use1-az1": "us-east-1c",
  "use1-az2": "us-east-1d",
  "use1-az4": "us-east-1a",
  "use1-az6": "us-east-1b",
};

export interface Network {
  vpc: FixtureResource;
  subnets: Record<"public" | "app" | "data", FixtureResource[]>;
  nats: FixtureResource[];
  appRouteTables: FixtureResource[];
}

export interface NetworkOptions {
  /** "perAz": a NAT per AZ; "single": one NAT in the first AZ for every AZ; "none". Default perAz. */
  nat?: "perAz" | "single" | "none";
  /** Tag subnets with Tier (default true); without tags the rule falls back to routing. */
  tierTags?: boolean;
  /** AZ IDs per tier, to build lopsided networks. Default `azs` for every tier. */
  tierAzs?: Partial<Record<"public" | "app" | "data", string[]>>;
  parent?: FixtureResource;
}

export function network(fx: Fixture, azs: string[], options: NetworkOptions = {}): Network {
  const parent = options.parent ? { parent: options.parent } : {};
  const vpc = fx.add(T.vpc, "vpc", { cidrBlock: "10.0.0.0/16" }, parent);
  const igw = fx.add(T.igw, "igw", { vpcId: fx.ref(vpc) }, parent);
  const publicRt = fx.add(T.routeTable, "public-rt", { vpcId: fx.ref(vpc) }, parent);
  fx.add(T.route, "public-default", { routeTableId: fx.ref(publicRt), destinationCidrBlock: "0.0.0.0/0", gatewayId: fx.ref(igw) }, parent);
  const subnets: Network["subnets"] = { public: [], app: [], data: [] };
  const tierTags = options.tierTags ?? true;
  for (const tier of ["public", "app", "data"] as const) {
    for (const [i, az] of (options.tierAzs?.[tier] ?? azs).entries()) {
      subnets[tier].push(
        fx.add(
          T.subnet,
          `${tier}-${az}`,
          {
            vpcId: fx.ref(vpc),
            cidrBlock: `10.0.${i}.0/24`,
            availabilityZoneId: az,
            mapPublicIpOnLaunch: false,
            ...(tierTags ? { tags: { Tier: tier } } : {}),
          },
          { ...parent, computed: fx.preview ? {} : { availabilityZone: AZ_NAMES[az] } },
        ),
      );
    }
  }
  for (const subnet of subnets.public) {
    fx.add(T.rta, `public-rta-${subnet.name}`, { subnetId: fx.ref(subnet), routeTableId: fx.ref(publicRt) }, parent);
  }
  const nats: FixtureResource[] = [];
  const mode = options.nat ?? "perAz";
  if (mode !== "none") {
    for (const subnet of mode === "single" ? subnets.public.slice(0, 1) : subnets.public) {
      const eip = fx.add(T.eip, `nat-eip-${subnet.name}`, { domain: "vpc" }, parent);
      nats.push(fx.add(T.nat, `nat-${subnet.name}`, { allocationId: fx.ref(eip), subnetId: fx.ref(subnet) }, parent));
    }
  }
  const appRouteTables: FixtureResource[] = [];
  for (const [i, subnet] of subnets.app.entries()) {
    const rt = fx.add(T.routeTable, `app-rt-${subnet.name}`, { vpcId: fx.ref(vpc) }, parent);
    appRouteTables.push(rt);
    fx.add(T.rta, `app-rta-${subnet.name}`, { subnetId: fx.ref(subnet), routeTableId: fx.ref(rt) }, parent);
    const nat = nats[mode === "single" ? 0 : i];
    if (nat) {
      fx.add(T.route, `app-default-${subnet.name}`, { routeTableId: fx.ref(rt), destinationCidrBlock: "0.0.0.0/0", natGatewayId: fx.ref(nat) }, parent);
    }
  }
  for (const subnet of subnets.data) {
    const rt = fx.add(T.routeTable, `data-rt-${subnet.name}`, { vpcId: fx.ref(vpc) }, parent);
    fx.add(T.rta, `data-rta-${subnet.name}`, { subnetId: fx.ref(subnet), routeTableId: fx.ref(rt) }, parent);
  }
  return { vpc, subnets, nats, appRouteTables };
}

export function launchTemplate(fx: Fixture, props: Record<string, unknown> = {}, name = "lt"): FixtureResource {
  return fx.add(T.launchTemplate, name, {
    instanceType: "m7g.large",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true" } }],
    ...props,
  });
}

export function autoScalingGroup(fx: Fixture, subnets: FixtureResource[], template: FixtureResource, props: Record<string, unknown> = {}, name = "asg"): FixtureResource {
  return fx.add(T.asg, name, {
    vpcZoneIdentifiers: subnets.map((s) => fx.ref(s)),
    minSize: 3,
    maxSize: 6,
    launchTemplate: { id: fx.ref(template), version: fx.ref(template, "latestVersion", "1") },
    ...props,
  }, { ignoreChanges: ["desiredCapacity"] });
}

export function loadBalancer(fx: Fixture, subnets: FixtureResource[], props: Record<string, unknown> = {}, name = "alb"): FixtureResource {
  return fx.add(T.lb, name, {
    loadBalancerType: "application",
    internal: false,
    subnets: subnets.map((s) => fx.ref(s)),
    dropInvalidHeaderFields: true,
    accessLogs: { bucket: "alb-logs", enabled: true },
    enableDeletionProtection: true,
    ...props,
  });
}

export function aurora(
  fx: Fixture,
  instanceAzs: (string | undefined)[],
  props: Record<string, unknown> = {},
  instanceProps: Record<string, unknown> = {},
): { cluster: FixtureResource; instances: FixtureResource[] } {
  const cluster = fx.add(T.rdsCluster, "db", {
    engine: "aurora-postgresql",
    storageEncrypted: true,
    backupRetentionPeriod: 14,
    deletionProtection: true,
    ...props,
  }, { protect: true });
  const instances = instanceAzs.map((az, i) =>
    fx.add(T.rdsInstance, `db-${i}`, {
      clusterIdentifier: fx.ref(cluster),
      instanceClass: "db.r7g.large",
      engine: "aurora-postgresql",
      publiclyAccessible: false,
      ...(az ? { availabilityZone: AZ_NAMES[az] ?? az } : {}),
      ...instanceProps,
    }),
  );
  return { cluster, instances };
}

export function cache(fx: Fixture, azs: string[], props: Record<string, unknown> = {}): FixtureResource {
  return fx.add(T.cache, "cache", {
    engine: "valkey",
    nodeType: "cache.r7g.large",
    numCacheClusters: azs.length,
    preferredCacheClusterAzs: azs.map((az) => AZ_NAMES[az] ?? az),
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    snapshotRetentionLimit: 7,
    ...props,
  });
}

export function dax(fx: Fixture, azs: string[], props: Record<string, unknown> = {}): FixtureResource {
  return fx.add(T.dax, "dax", {
    nodeType: "dax.r5.large",
    replicationFactor: azs.length,
    availabilityZones: azs.map((az) => AZ_NAMES[az] ?? az),
    serverSideEncryption: { enabled: true },
    clusterEndpointEncryptionType: "TLS",
    ...props,
  }, { protect: true });
}

export interface TableOptions {
  name?: string;
  props?: Record<string, unknown>;
  /** GSIs by name. Default one, "by-symbol". */
  gsis?: string[];
  /** Auto scaling: min/max per level and dimension; null leaves a target out. */
  scaling?: Partial<Record<"tableRead" | "tableWrite" | "indexRead" | "indexWrite", { min: number; max: number } | null>>;
  targetValue?: number;
}

export function dynamoTable(fx: Fixture, options: TableOptions = {}): { table: FixtureResource; targets: FixtureResource[]; policies: FixtureResource[] } {
  const tableName = options.name ?? "orders";
  const gsis = options.gsis ?? ["by-symbol"];
  const table = fx.add(T.table, tableName, {
    name: tableName,
    billingMode: "PROVISIONED",
    readCapacity: 10,
    writeCapacity: 10,
    hashKey: "pk",
    rangeKey: "sk",
    globalSecondaryIndexes: gsis.map((name) => ({ name, hashKey: "gpk", projectionType: "ALL", readCapacity: 10, writeCapacity: 10 })),
    serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
    ...options.props,
  }, {
    // Auto scaling owns the capacity and the replica stack the replicas (operational-state-survives-deploy).
    ignoreChanges: ["readCapacity", "writeCapacity", "globalSecondaryIndexes[*].readCapacity", "globalSecondaryIndexes[*].writeCapacity", "replicas"],
  });
  const scaling = {
    tableRead: { min: 10, max: 100 },
    tableWrite: { min: 10, max: 100 },
    indexRead: { min: 10, max: 100 },
    indexWrite: { min: 10, max: 100 },
    ...options.scaling,
  };
  const targets: FixtureResource[] = [];
  const policies: FixtureResource[] = [];
  const addTarget = (key: keyof typeof scaling, level: "table" | "index", dimension: "Read" | "Write", index?: string) => {
    const bounds = scaling[key];
    if (!bounds) {
      return;
    }
    const suffix = `${index ?? "table"}-${dimension.toLowerCase()}`;
    const resourceId = fx.ref(table, "name", index ? `table/${tableName}/index/${index}` : `table/${tableName}`);
    const target = fx.add(T.target, `${tableName}-${suffix}`, {
      serviceNamespace: "dynamodb",
      scalableDimension: `dynamodb:${level}:${dimension}CapacityUnits`,
      resourceId,
      minCapacity: bounds.min,
      maxCapacity: bounds.max,
    });
    targets.push(target);
    policies.push(
      fx.add(T.scalingPolicy, `${tableName}-${suffix}-tracking`, {
        policyType: "TargetTrackingScaling",
        serviceNamespace: fx.ref(target, "serviceNamespace", "dynamodb"),
        scalableDimension: fx.ref(target, "scalableDimension", `dynamodb:${level}:${dimension}CapacityUnits`),
        resourceId: fx.ref(target, "resourceId", index ? `table/${tableName}/index/${index}` : `table/${tableName}`),
        targetTrackingScalingPolicyConfiguration: {
          targetValue: options.targetValue ?? 70,
          predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${dimension}CapacityUtilization` },
        },
      }),
    );
  };
  addTarget("tableRead", "table", "Read");
  addTarget("tableWrite", "table", "Write");
  for (const index of gsis) {
    addTarget("indexRead", "index", "Read", index);
    addTarget("indexWrite", "index", "Write", index);
  }
  return { table, targets, policies };
}

export function snsTopic(fx: Fixture, name = "alarms"): FixtureResource {
  return fx.add(T.topic, name, { name, kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }, { computed: fx.preview ? {} : { arn: `arn:aws:sns:us-east-1:123456789012:${name}` } });
}

export interface AlarmOptions {
  /** What alarmActions holds: the topic (a reference), a literal ARN, or nothing. Default the topic. */
  actions?: FixtureResource | string | null;
  props?: Record<string, unknown>;
}

/**
 * A metric alarm on `resource`, its dimension built from the resource's output `attribute` (a
 * property dependency, as a component would build it), notifying `topic`.
 */
export function alarmOn(
  fx: Fixture,
  resource: FixtureResource,
  dimension: string,
  attribute: string,
  options: AlarmOptions = {},
  name = `alarm-${resource.name}`,
): FixtureResource {
  const actions = options.actions === undefined ? null : options.actions;
  const action = actions === null ? [] : typeof actions === "string" ? [actions] : [fx.ref(actions, "arn", `arn:aws:sns:us-east-1:123456789012:${actions.name}`)];
  return fx.add(T.alarm, name, {
    namespace: "AWS/Any",
    metricName: "Metric",
    dimensions: { [dimension]: fx.ref(resource, attribute) },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: action,
    okActions: action,
    ...options.props,
  });
}
