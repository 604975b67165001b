/**
 * The stack as a resource graph, for stack policies and the cost estimate.
 *
 * Works on the shape @pulumi/policy gives a stack policy (`PolicyResource`: type, props, urn, name,
 * parent, dependencies, propertyDependencies as resource objects), so the same code runs inside
 * the policy server and offline. References between resources are followed through property
 * dependencies first, because ids are unknown in a first preview; known ids (and names) are used
 * where they exist, e.g. for subnets created by another stack.
 */
import { knownStrings, peek, peekString, UNKNOWN, Unknown } from "./values";

/** The part of a policy resource the graph helpers read (a `PolicyResource` satisfies it). */
export interface GraphResource {
  type: string;
  props: Record<string, unknown>;
  urn: string;
  name: string;
  parent?: GraphResource;
  dependencies: GraphResource[];
  propertyDependencies: Record<string, GraphResource[]>;
  provider?: { type: string; props: Record<string, unknown>; urn: string; name: string };
}

export const TYPES = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  natGateway: "aws:ec2/natGateway:NatGateway",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  eip: "aws:ec2/eip:Eip",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  ebsVolume: "aws:ebs/volume:Volume",
  ebsEncryptionByDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
  autoscalingGroup: "aws:autoscaling/group:Group",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  wafWebAcl: "aws:wafv2/webAcl:WebAcl",
  wafWebAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsGlobalCluster: "aws:rds/globalCluster:GlobalCluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsInstance: "aws:rds/instance:Instance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  cacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  daxCluster: "aws:dax/cluster:Cluster",
  daxSubnetGroup: "aws:dax/subnetGroup:SubnetGroup",
  dynamoTable: "aws:dynamodb/table:Table",
  dynamoTableReplica: "aws:dynamodb/tableReplica:TableReplica",
  scalableTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  s3Bucket: "aws:s3/bucket:Bucket",
  s3BucketV2: "aws:s3/bucketV2:BucketV2",
  s3BucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  s3BucketSseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  s3BucketLogging: "aws:s3/bucketLogging:BucketLogging",
  s3BucketLoggingV2: "aws:s3/bucketLoggingV2:BucketLoggingV2",
  s3BucketObject: "aws:s3/bucketObject:BucketObject",
  s3BucketObjectV2: "aws:s3/bucketObjectv2:BucketObjectv2",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  kinesisStream: "aws:kinesis/stream:Stream",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamPolicy: "aws:iam/policy:Policy",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  lambdaFunction: "aws:lambda/function:Function",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  sqsQueue: "aws:sqs/queue:Queue",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  snsTopic: "aws:sns/topic:Topic",
  snsSubscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

/** An availability zone as a resource names it: by ID (use1-az1) and/or by name (us-east-1a). */
export interface AzRef {
  id?: string;
  name?: string;
}

/** One resource another refers to through a property, and how the reference was resolved. */
export interface ResolvedRefs {
  resources: GraphResource[];
  /** Known ids/names in the property that match no resource of the wanted type in this stack. */
  unresolved: string[];
  /** True when the property (or an element of it) is unknown and no dependency explained it. */
  unknown: boolean;
}

export class ResourceGraph {
  private readonly byUrnMap = new Map<string, GraphResource>();
  /** AZ name → AZ ID, learnt from subnets that carry both (after an update, or named by both). */
  private readonly azNameToId = new Map<string, string>();

  constructor(readonly resources: readonly GraphResource[]) {
    for (const r of resources) {
      this.byUrnMap.set(r.urn, r);
    }
    for (const subnet of this.ofType(TYPES.subnet)) {
      const id = peekString(subnet.props, "availabilityZoneId");
      const name = peekString(subnet.props, "availabilityZone");
      if (typeof id === "string" && typeof name === "string") {
        this.azNameToId.set(name, id);
      }
    }
  }

  ofType(type: string): GraphResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  byUrn(urn: string): GraphResource | undefined {
    return this.byUrnMap.get(urn);
  }

  /**
   * The resources of `types` that `resource.props[property]` refers to: its property dependencies
   * of those types, plus resources whose known `id` (or `matchProps`, e.g. `name`) equals a known
   * value of the property (a string or an array of strings).
   */
  refs(resource: GraphResource, property: string, types: readonly string[], matchProps: readonly string[] = ["id"]): ResolvedRefs {
    const wanted = new Set(types);
    const found = new Map<string, GraphResource>();
    for (const dep of resource.propertyDependencies[property] ?? []) {
      if (wanted.has(dep.type)) {
        found.set(dep.urn, dep);
      }
    }
    const raw = peek(resource.props, property);
    const { values, someUnknown } =
      typeof raw === "string" ? { values: [raw], someUnknown: false } : raw === UNKNOWN ? { values: [], someUnknown: true } : knownStrings(resource.props, property);
    const unresolved: string[] = [];
    for (const value of values) {
      const match = this.resources.find(
        (r) => wanted.has(r.type) && matchProps.some((p) => peekString(r.props, p) === value || (p === "urn" && r.urn === value)),
      );
      if (match) {
        found.set(match.urn, match);
      } else {
        unresolved.push(value);
      }
    }
    return { resources: [...found.values()], unresolved, unknown: someUnknown && found.size === 0 };
  }

  /** The AZ a subnet is in, by ID and/or name, as far as known. */
  subnetAz(subnet: GraphResource): AzRef {
    const id = peekString(subnet.props, "availabilityZoneId");
    const name = peekString(subnet.props, "availabilityZone");
    return {
      ...(typeof id === "string" ? { id } : {}),
      ...(typeof name === "string" ? { name } : {}),
    };
  }

  /**
   * A stable key for an AZ: its ID when known (directly or through a subnet that names both),
   * else its name. Undefined when neither is known.
   */
  azKey(az: AzRef): string | undefined {
    return az.id ?? (az.name !== undefined ? (this.azNameToId.get(az.name) ?? az.name) : undefined);
  }

  /** AZ keys of a list of subnets; subnets whose AZ is unknown are returned apart. */
  subnetAzKeys(subnets: readonly GraphResource[]): { keys: string[]; unknownSubnets: GraphResource[] } {
    const keys: string[] = [];
    const unknownSubnets: GraphResource[] = [];
    for (const subnet of subnets) {
      const key = this.azKey(this.subnetAz(subnet));
      if (key === undefined) {
        unknownSubnets.push(subnet);
      } else {
        keys.push(key);
      }
    }
    return { keys, unknownSubnets };
  }

  /**
   * AZs named by a property holding AZ names or IDs (DAX `availabilityZones`, ElastiCache
   * `preferredCacheClusterAzs`, an RDS instance's `availabilityZone`). When the value is unknown
   * (it came from subnets' computed `availabilityZone`), the AZs of the subnets it depends on,
   * flagged `fromDependencies`: then the keys say which AZs the value was built from, not one per
   * element. Returns one key per listed element otherwise (duplicates kept, so callers can count
   * nodes per AZ); UNKNOWN when the AZs cannot be determined; undefined when the property is unset.
   */
  azPlacementOfProperty(resource: GraphResource, property: string): { keys: string[]; fromDependencies: boolean } | Unknown | undefined {
    const raw = peek(resource.props, property);
    if (raw === undefined || raw === null) {
      return undefined;
    }
    const elements = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.map((_, i) => peek(raw, i)) : raw === UNKNOWN ? [UNKNOWN] : [];
    if (elements.every((e) => typeof e === "string")) {
      return { keys: (elements as string[]).map((e) => this.azKey(looksLikeAzId(e) ? { id: e } : { name: e }) as string), fromDependencies: false };
    }
    const subnets = (resource.propertyDependencies[property] ?? []).filter((d) => d.type === TYPES.subnet);
    const { keys, unknownSubnets } = this.subnetAzKeys(subnets);
    if (subnets.length === 0 || unknownSubnets.length > 0) {
      return UNKNOWN;
    }
    return { keys, fromDependencies: true };
  }

  /** {@link azPlacementOfProperty}'s keys (or UNKNOWN / undefined). */
  azKeysOfProperty(resource: GraphResource, property: string): string[] | Unknown | undefined {
    const placement = this.azPlacementOfProperty(resource, property);
    return placement === UNKNOWN || placement === undefined ? placement : placement.keys;
  }

  /** The AWS region a resource lives in: its own `region` (provider v7), else its provider's. */
  regionOf(resource: GraphResource, fallback?: string): string | undefined {
    const own = peekString(resource.props, "region");
    if (typeof own === "string") {
      return own;
    }
    const fromProvider = resource.provider ? peekString(resource.provider.props, "region") : undefined;
    return typeof fromProvider === "string" ? fromProvider : fallback;
  }

  /** The nearest component resource (not an `aws:` or `pulumi:` type) above a resource. */
  componentOf(resource: GraphResource): GraphResource | undefined {
    let current = resource.parent;
    while (current) {
      if (isComponentType(current.type)) {
        return current;
      }
      current = current.parent;
    }
    return undefined;
  }
}

/** Component types are the program's own (`trading:network:HaNetwork`), not a provider's. */
export function isComponentType(type: string): boolean {
  const pkg = type.split(":")[0];
  return pkg !== "aws" && pkg !== "pulumi";
}

/** AZ IDs look like `use1-az1`; AZ names like `us-east-1a`. */
export function looksLikeAzId(value: string): boolean {
  return /^[a-z]{2,4}[0-9]+-az[0-9]+$/.test(value);
}

/** Distinct values, in first-seen order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** `name` plus the AZ list for messages: "trading-asg (use1-az1, use1-az2)". */
export function describeAzs(keys: readonly string[]): string {
  return keys.length === 0 ? "no AZ" : distinct(keys).sort().join(", ");
}
