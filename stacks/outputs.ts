/**
 * The stack outputs contract: what every stack of this project exports and what other teams read
 * through a StackReference (with the helper in platformOutputs.ts; see stacks/CONSUMERS.md).
 *
 * One runtime description (the zod schemas below) is the source of truth for the keys: the helper
 * validates a referenced stack with it, the tests compare every stack file's real exports with it,
 * and the documented interfaces are checked against it at compile time (`Exactly` below), so the
 * interfaces, the schemas and `main()` (which `satisfies` the interfaces) cannot drift apart.
 *
 * Versioning (`contractVersion`, semver):
 * - PATCH: documentation or validation fixes that accept exactly the same values.
 * - MINOR: outputs added; every existing output keeps its name, type and meaning. A consumer built
 *   against an older minor keeps working (unknown keys are ignored).
 * - MAJOR: an output removed, renamed, or changed in type or meaning. The helper refuses to read a
 *   stack whose major differs from its own, so a consumer fails at `pulumi preview` with both
 *   versions named instead of deploying with a misread value.
 *
 * Only identifiers, endpoints and ARNs are published: never a secret value (a consumer that needs a
 * secret reads it from Secrets Manager with the published ARN and its own IAM permission).
 *
 * This module depends on @pulumi/pulumi (types only), zod and the dynamo tier's output schema, not
 * on the program, so another team's program can import it without building this platform.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DynamoOutputs, dynamoOutputsSchema } from "../components/dynamo/outputs";
import { ComputeOutputs, computeOutputsSchema } from "./computeOutputs";
import { GameDaysOutputs, gameDaysOutputsSchema } from "./gameDaysOutputs";

export { type ComputeOutputs, computeOutputsSchema } from "./computeOutputs";
export { GAME_DAY_SCENARIOS, type GameDayScenarioName, type GameDayTemplateIds, type GameDaysOutputs, gameDaysOutputsSchema } from "./gameDaysOutputs";

/** Version of the contract the stacks built from this commit publish (and the helper reads). */
export const CONTRACT_VERSION = "1.5.0";

/**
 * The sections of the contract, one per tier; a consumer may read only the ones it needs. An
 * optional section (gameDays) is absent from a stack whose config leaves its tier off.
 */
export const OUTPUT_SECTIONS = ["network", "cluster", "compute", "dynamo", "data", "failover", "auth", "observability", "gameDays"] as const;
export type OutputSection = (typeof OUTPUT_SECTIONS)[number];

/** Network of the stack: every list is ordered like `availabilityZoneIds` (index i = the same AZ). */
export interface NetworkOutputs {
  vpcId: string;
  vpcCidr: string;
  /** AZ IDs (e.g. use1-az1) the stack spreads over: the same physical AZs in every account. */
  availabilityZoneIds: string[];
  /** The AZ names this stack's account maps those IDs to (names differ between accounts). */
  availabilityZoneNames: string[];
  /** Public subnets (ALB, NAT gateways), one per AZ. */
  publicSubnetIds: string[];
  /** Private app subnets (the trading fleet), one per AZ. */
  appSubnetIds: string[];
  /** Private data subnets (Aurora, ElastiCache, DAX), one per AZ. */
  dataSubnetIds: string[];
  /** The one route table of the public subnets. */
  publicRouteTableId: string;
  /** Route table of each app subnet (its NAT route), one per AZ. */
  appRouteTableIds: string[];
  /** Route table of each data subnet, one per AZ. */
  dataRouteTableIds: string[];
}

/** The trading fleet and its load balancer. */
export interface ClusterOutputs {
  /** Security group of the ALB. */
  albSecurityGroupId: string;
  /** Security group of the instances; data stores admit only this group. */
  appSecurityGroupId: string;
  albDnsName: string;
  /** Route 53 hosted zone of the ALB, for alias records. */
  albZoneId: string;
  albArn: string;
  /** The URL clients use: https when a certificate is configured, http otherwise. */
  endpoint: string;
  targetGroupArn: string;
  /** The Auto Scaling group; on computePlatform ec2 only (since 1.4.0 absent on fargate, see `compute`). */
  asgName?: string;
  /** The role the service's code runs as: the instances' role (ec2) or the task role (fargate). */
  instanceRoleArn: string;
  /** Private bucket the service bundle is delivered through; on computePlatform ec2 only (since 1.4.0). */
  artifactBucketName?: string;
  /** CloudWatch log group of the trading API. */
  serviceLogGroupName: string;
}

/** Aurora PostgreSQL and the ElastiCache replication group. */
export interface DataOutputs {
  /** Writer (cluster) endpoint. */
  dbWriterEndpoint: string;
  /** Reader endpoint, load-balanced over the readers. */
  dbReaderEndpoint: string;
  dbPort: number;
  dbName: string;
  /** ARN of the Secrets Manager secret (managed and rotated by RDS) of the master user; never its value. */
  dbMasterSecretArn: string;
  dbSecurityGroupId: string;
  /** Primary endpoint of the replication group (writes; follows failover). */
  cachePrimaryEndpoint: string;
  /** Reader endpoint of the replication group. */
  cacheReaderEndpoint: string;
  cachePort: number;
  /** IAM-authenticated cache user of the application (no password exists). */
  cacheUserName: string;
  cacheSecurityGroupId: string;
  /** PostgreSQL role the trading API logs in as with IAM authentication (since 1.1.0). */
  dbAppUser: string;
  /**
   * `rds-db:connect` resource of the reference-data role (trading_refdata): grant it to the
   * operators who run the refdata CLI (since 1.1.0).
   */
  dbRefdataConnectArn: string;
  /** The Lambda `pulumi up` invokes to apply the reference-data migrations (since 1.1.0). */
  refdataMigrationFunctionName: string;
  /**
   * SHA-256 of the migration set the stack's function carries (since 1.1.0). Where the stack holds
   * the writer it is the set the database was migrated to; a global database's secondary receives
   * the writer's schema by replication.
   */
  refdataMigrationSetSha256: string;
  /** ARN of this region's Aurora cluster (since 1.3.0): a global database's switchover target names it. */
  dbClusterArn: string;
  /**
   * Identifier of the Aurora Global Database the cluster is a member of (since 1.3.0): on the
   * primary stack, which owns it, and on each replica, whose cluster is its secondary. Only when
   * the stack sets `dataGlobalDatabase`.
   */
  dbGlobalClusterIdentifier?: string;
  /**
   * The global writer endpoint (since 1.3.0): Aurora points it at the writer of whichever region is
   * primary, across switchovers and failovers. Writers (the refdata CLI) use it; readers keep
   * `dbReaderEndpoint`, their own region's. Only when the stack sets `dataGlobalDatabase`.
   */
  dbGlobalWriterEndpoint?: string;
}

/**
 * One write region at a time (since 1.1.0): what this stack's region holds of the environment's
 * failover. The write region itself is operational state, read from the parameter, never an output.
 */
export interface FailoverOutputs {
  /** SSM parameter, in this stack's region, whose value is the environment's write region (same name in every region). */
  writeRegionParameterName: string;
  writeRegionParameterArn: string;
  /** The value the flag was created with: the environment's primary region. */
  initialWriteRegion: string;
  /** SSM parameter describing this region for the failover command. */
  regionInfoParameterName: string;
  /** This region's own stream (a replica's differs from `dynamo.streamArn`, which names the primary's). */
  streamArn: string;
  /** This region's stream processor; its mapping is enabled only while this region is the write region. */
  streamProcessorFunctionName: string;
  streamMappingUuid: string;
  /** This region's processor's on-failure queue. */
  dlqUrl: string;
  /** Only with DNS failover configured (dnsHostedZoneId + dnsApiDomainName). */
  dns?: FailoverDnsOutputs;
}

/** The environment's DNS name and this stack's record of the failover pair. */
export interface FailoverDnsOutputs {
  /** The name clients use; it answers with the write region's ALB while that region is healthy. */
  apiDomainName: string;
  /** This stack's record: PRIMARY (primary stack) or SECONDARY (replica). */
  failoverRole: "PRIMARY" | "SECONDARY";
  /** Route 53 health check of this region's ALB. */
  healthCheckId: string;
}

/**
 * Who issues the API's access tokens and how a client gets one (added in 1.1.0). A replica publishes
 * its primary's issuer (one issuer for both regions) unless it uses an external one.
 */
export interface AuthOutputs {
  /** "cognito" (a user pool of the primary stack) or "external". */
  issuerKind: "cognito" | "external";
  /** `iss` of the access tokens. */
  issuer: string;
  /** The issuer's JWKS endpoint. */
  jwksUrl: string;
  /** OAuth 2.0 token endpoint (client credentials grant). */
  tokenEndpoint: string;
  /** Every scope of the API as it appears in tokens, e.g. trading-api/orders.read. */
  scopes: string[];
  /** What precedes orders.read etc. in a token's scope claim. */
  scopePrefix: string;
  /** Claim that names the OAuth client (the reference data's client_id). */
  clientIdClaim: string;
  /** Claims the API requires with an exact value, e.g. token_use = access for Cognito. */
  requiredClaims: { name: string; value: string }[];
  /** Cognito app clients by name and their client ids (never their secrets); empty for an external issuer. */
  clientIds: { name: string; clientId: string }[];
}

/**
 * How the stack tells people something is wrong (added in 1.2.0): a team that depends on this
 * platform subscribes to its alarm topic, or builds its own composite alarm on the degraded one.
 */
export interface ObservabilityOutputs {
  /**
   * The SNS topic every alarm of this stack notifies on ALARM and on OK (the configured
   * `alarmTopicArn` when the stack uses an existing one). The topic policy this stack writes lets
   * principals of the stack's own account subscribe, and those of the accounts in its
   * `alarmSubscriberAccountIds` config.
   */
  alarmTopicArn: string;
  /** The composite alarm that is in ALARM while any of the stack's tier alarms is. */
  degradedAlarmName: string;
  /** Names of the stack's metric alarms (edge, fleet, data, in that order). */
  alarmNames: string[];
  /** The stack's CloudWatch dashboard. */
  dashboardName: string;
  /** CloudWatch namespace of the trading API's own metrics (Embedded Metric Format, per table). */
  serviceMetricsNamespace: string;
}

/** What every stack publishes, whatever its role. */
export interface CommonStackOutputs {
  /** Semver of this contract the stack was deployed with (CONTRACT_VERSION). */
  contractVersion: string;
  /** "dev", "staging" or "prod". */
  environment: string;
  /** The stack's AWS region. */
  region: string;
  network: NetworkOutputs;
  cluster: ClusterOutputs;
  /** Which platform runs the fleet and its identifiers (since 1.4.0). */
  compute: ComputeOutputs;
  /** Table, stream, indexes and DAX of this region (see components/dynamo/outputs.ts). */
  dynamo: DynamoOutputs;
  data: DataOutputs;
  failover: FailoverOutputs;
  auth: AuthOutputs;
  observability: ObservabilityOutputs;
  /** The AWS FIS templates by scenario and their log group (since 1.5.0); only with `gameDays: true`. */
  gameDays?: GameDaysOutputs;
}

/** Outputs of a primary stack (prod-us-east-1, dev): it owns the global table. */
export interface PrimaryStackOutputs extends CommonStackOutputs {
  role: "primary";
}

/** Outputs of a replica stack (prod-eu-west-1): a replica of its primary's global table. */
export interface ReplicaStackOutputs extends CommonStackOutputs {
  role: "replica";
  /** The fully qualified primary stack (org/project/stack) whose table this stack replicates. */
  primaryStack: string;
}

export type PlatformStackOutputs = PrimaryStackOutputs | ReplicaStackOutputs;
export type StackRole = PlatformStackOutputs["role"];

/**
 * The form a Pulumi program returns the contract in: every value may be an Input (an Output or a
 * plain value), and an object may also be given field by field.
 */
export type StackOutputValues<T> = { [K in keyof T]: OutputValue<T[K]> };
type OutputValue<V> = V extends string | number | boolean | readonly unknown[] ? pulumi.Input<V> : pulumi.Input<V> | StackOutputValues<V>;

const nonEmpty = z.string().min(1, "must not be empty");
const regionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region name");
const dnsName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+$/i, "must be a DNS name");
const port = z.number().int().min(1).max(65535);
/** An ARN of `service` whose resource part matches `resource`; `what` names it in the message. */
const arnOf = (service: string, resource: RegExp, what: string) =>
  z.string().refine((v) => {
    const match = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/.exec(v);
    return match !== null && match[1] === service && resource.test(match[4]);
  }, `must be the ARN of ${what}`);

const PER_AZ_LISTS = ["availabilityZoneNames", "publicSubnetIds", "appSubnetIds", "dataSubnetIds", "appRouteTableIds", "dataRouteTableIds"] as const;

export const networkOutputsSchema = z
  .object({
    vpcId: nonEmpty,
    vpcCidr: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR"),
    availabilityZoneIds: z.array(z.string().regex(/^[a-z]+\d+(-[a-z0-9]+)?-az\d+$/, "must be an AZ ID (e.g. use1-az1)")).min(1),
    availabilityZoneNames: z.array(z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/, "must be an AZ name (e.g. us-east-1a)")),
    publicSubnetIds: z.array(nonEmpty),
    appSubnetIds: z.array(nonEmpty),
    dataSubnetIds: z.array(nonEmpty),
    publicRouteTableId: nonEmpty,
    appRouteTableIds: z.array(nonEmpty),
    dataRouteTableIds: z.array(nonEmpty),
  })
  .superRefine((network, ctx) => {
    const azs = network.availabilityZoneIds.length;
    if (new Set(network.availabilityZoneIds).size !== azs) {
      ctx.addIssue({ code: "custom", path: ["availabilityZoneIds"], message: "lists an AZ twice", input: network.availabilityZoneIds });
    }
    for (const key of PER_AZ_LISTS) {
      if (network[key].length !== azs) {
        ctx.addIssue({ code: "custom", path: [key], message: `must hold one entry per AZ (${azs}), in AZ order`, input: network[key] });
      }
    }
  });

export const clusterOutputsSchema = z.object({
  albSecurityGroupId: nonEmpty,
  appSecurityGroupId: nonEmpty,
  albDnsName: dnsName,
  albZoneId: z.string().regex(/^Z[A-Z0-9]+$/, "must be a Route 53 hosted zone ID"),
  albArn: arnOf("elasticloadbalancing", /^loadbalancer\/app\/.+$/, "an application load balancer"),
  endpoint: z.string().regex(/^https?:\/\/\S+$/, "must be an http(s) URL"),
  targetGroupArn: arnOf("elasticloadbalancing", /^targetgroup\/.+$/, "a target group"),
  asgName: nonEmpty.optional(),
  instanceRoleArn: arnOf("iam", /^role\/.+$/, "an IAM role"),
  artifactBucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name").optional(),
  serviceLogGroupName: nonEmpty,
});


export const dataOutputsSchema = z.object({
  dbWriterEndpoint: dnsName,
  dbReaderEndpoint: dnsName,
  dbPort: port,
  dbName: nonEmpty,
  dbMasterSecretArn: arnOf("secretsmanager", /^secret:.+$/, "a Secrets Manager secret"),
  dbSecurityGroupId: nonEmpty,
  cachePrimaryEndpoint: dnsName,
  cacheReaderEndpoint: dnsName,
  cachePort: port,
  cacheUserName: nonEmpty,
  cacheSecurityGroupId: nonEmpty,
  dbAppUser: nonEmpty,
  dbRefdataConnectArn: arnOf("rds-db", /^dbuser:.+\/.+$/, "an rds-db:connect database user"),
  refdataMigrationFunctionName: nonEmpty,
  refdataMigrationSetSha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be a hex SHA-256" }),
  dbClusterArn: arnOf("rds", /^cluster:[a-z][a-z0-9-]*$/, "an Aurora DB cluster"),
  dbGlobalClusterIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, "must be an RDS global cluster identifier").optional(),
  dbGlobalWriterEndpoint: dnsName.optional(),
});

export const failoverDnsOutputsSchema = z.object({
  apiDomainName: dnsName,
  failoverRole: z.enum(["PRIMARY", "SECONDARY"]),
  healthCheckId: nonEmpty,
});

export const failoverOutputsSchema = z.object({
  writeRegionParameterName: z.string().regex(/^\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be an SSM parameter name (/a/b)"),
  writeRegionParameterArn: arnOf("ssm", /^parameter\/.+$/, "an SSM parameter"),
  initialWriteRegion: regionName,
  regionInfoParameterName: z.string().regex(/^\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be an SSM parameter name (/a/b)"),
  streamArn: arnOf("dynamodb", /^table\/[A-Za-z0-9_.-]+\/stream\/.+$/, "a DynamoDB stream"),
  streamProcessorFunctionName: nonEmpty,
  streamMappingUuid: nonEmpty,
  dlqUrl: z.string().regex(/^https:\/\/\S+$/, "must be an https URL"),
  dns: failoverDnsOutputsSchema.optional(),
});

const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https URL");

export const authOutputsSchema = z.object({
  issuerKind: z.enum(["cognito", "external"]),
  issuer: httpsUrl,
  jwksUrl: httpsUrl,
  tokenEndpoint: httpsUrl,
  scopes: z.array(nonEmpty).min(1),
  scopePrefix: z.string(),
  clientIdClaim: nonEmpty,
  requiredClaims: z.array(z.object({ name: nonEmpty, value: nonEmpty })),
  clientIds: z.array(z.object({ name: nonEmpty, clientId: nonEmpty })),
});

export const observabilityOutputsSchema = z.object({
  alarmTopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN"),
  degradedAlarmName: nonEmpty,
  alarmNames: z.array(nonEmpty).min(1),
  dashboardName: nonEmpty,
  serviceMetricsNamespace: nonEmpty,
});

const commonShape = {
  contractVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a semver version (MAJOR.MINOR.PATCH)"),
  environment: nonEmpty,
  region: regionName,
  network: networkOutputsSchema,
  cluster: clusterOutputsSchema,
  compute: computeOutputsSchema,
  dynamo: dynamoOutputsSchema,
  data: dataOutputsSchema,
  failover: failoverOutputsSchema,
  auth: authOutputsSchema,
  observability: observabilityOutputsSchema,
  gameDays: gameDaysOutputsSchema.optional(),
};

export const primaryStackOutputsSchema = z.object({ ...commonShape, role: z.literal("primary") });

export const replicaStackOutputsSchema = z.object({
  ...commonShape,
  role: z.literal("replica"),
  primaryStack: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be a fully qualified stack name (org/project/stack)"),
});

/** The schema of each role's outputs. */
export const STACK_OUTPUT_SCHEMAS = { primary: primaryStackOutputsSchema, replica: replicaStackOutputsSchema } as const;

// The interfaces above are the documentation; the schemas are what runs. These fail to compile as
// soon as one has a key (or a type) the other has not.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exact: {
  network: Exactly<z.output<typeof networkOutputsSchema>, NetworkOutputs>;
  cluster: Exactly<z.output<typeof clusterOutputsSchema>, ClusterOutputs>;
  compute: Exactly<z.output<typeof computeOutputsSchema>, ComputeOutputs>;
  dynamo: Exactly<z.output<typeof dynamoOutputsSchema>, DynamoOutputs>;
  data: Exactly<z.output<typeof dataOutputsSchema>, DataOutputs>;
  failover: Exactly<z.output<typeof failoverOutputsSchema>, FailoverOutputs>;
  auth: Exactly<z.output<typeof authOutputsSchema>, AuthOutputs>;
  observability: Exactly<z.output<typeof observabilityOutputsSchema>, ObservabilityOutputs>;
  gameDays: Exactly<z.output<typeof gameDaysOutputsSchema>, GameDaysOutputs>;
  primary: Exactly<z.output<typeof primaryStackOutputsSchema>, PrimaryStackOutputs>;
  replica: Exactly<z.output<typeof replicaStackOutputsSchema>, ReplicaStackOutputs>;
} = { network: true, cluster: true, compute: true, dynamo: true, data: true, failover: true, auth: true, observability: true, gameDays: true, primary: true, replica: true };
void exact;

/**
 * The keys of a contract schema as dotted paths, objects expanded (e.g. `network.vpcId`,
 * `dynamo.writeScaling.table.min`), sorted. Lists and scalars are leaves. Optional keys (present
 * only with some configuration, e.g. `failover.dns.*`) are left out unless `optional` is "include".
 */
export function contractPaths(schema: z.ZodType, prefix = "", optional: "exclude" | "include" = "exclude"): string[] {
  if (schema instanceof z.ZodOptional) {
    return optional === "include" ? contractPaths(schema.unwrap() as z.ZodType, prefix, optional) : [];
  }
  if (!(schema instanceof z.ZodObject)) {
    return [prefix];
  }
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .flatMap(([key, field]) => contractPaths(field, prefix ? `${prefix}.${key}` : key, optional))
    .sort();
}
