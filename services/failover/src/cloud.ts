/**
 * What the failover command reads and changes, behind one interface: the AWS implementation below
 * (SDK v3: SSM, Lambda, CloudWatch, Route 53, Auto Scaling, ECS, RDS, and HTTP(S) to each region's API), and
 * an in-memory one in the tests' state walk, so both run the same steps.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { GetEventSourceMappingCommand, LambdaClient, UpdateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, RDSClient, SwitchoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { GetHealthCheckCommand, ListResourceRecordSetsCommand, Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { z } from "zod";
import { awsCallOf, nameAwsCalls } from "../../cli/awsCalls";
import { regionInfoParameterName, type RegionInfo, writeRegionParameterName } from "../../trading-api/src/contract";
import { runningServiceTasks } from "./ecsTasks";
import { DEFAULT_USER_AGENT, probe, type InstanceReport, type ProbeTarget } from "./instanceProbe";
import { isNoResponse, UnreachableError } from "./unreachable";

export { DEFAULT_USER_AGENT, type InstanceReport, type ProbeTarget } from "./instanceProbe";
export { isNoResponse, UnreachableError } from "./unreachable";

/** Lambda's states of an event source mapping (Enabling/Disabling while a change is applied). */
export type MappingState = "Creating" | "Enabling" | "Enabled" | "Disabling" | "Disabled" | "Updating" | "Deleting" | string;

export interface HealthCheckState {
  disabled: boolean;
  inverted: boolean;
}

/**
 * The region-info parameter as the command reads it: what the stacks write (RegionInfo), read so
 * that a parameter written by an older stack version, without the fleet's Auto Scaling group or ECS
 * service, still works (the command then waits out the full two-writer bound), plus the API's host
 * name when it differs from the DNS record's (a certificate without DNS failover).
 */
export type FailoverRegionInfo = RegionInfo & {
  /** Name of the region's Auto Scaling group (DescribeAutoScalingGroups lists its InService instances). */
  autoScalingGroupName?: string;
  /** The region's ECS cluster and service (ListTasks and DescribeTasks list its running tasks). */
  ecsService?: { clusterName: string; serviceName: string };
  /** The name the load balancer's certificate is for; default `dns.domainName`. */
  apiHostName?: string;
};

/** How to probe a region: its load balancer, under the API's name when the listener is HTTPS. */
export function probeTargetOf(info: FailoverRegionInfo): ProbeTarget {
  const hostName = info.apiHostName ?? info.dns?.domainName;
  // Plain HTTP (dev without a certificate) has no name to verify: the load balancer's own name serves.
  return new URL(info.apiEndpoint).protocol === "https:" && hostName ? { endpoint: info.apiEndpoint, hostName } : { endpoint: info.apiEndpoint };
}

/** One record of the environment's Route 53 failover pair (its set identifier is its region). */
export interface FailoverRecord {
  region: string;
  failoverRole: "PRIMARY" | "SECONDARY";
  healthCheckId?: string;
}

/**
 * An Aurora global database as DescribeGlobalClusters reports it (RDS API Reference: GlobalCluster,
 * GlobalClusterMember, FailoverState).
 */
export interface GlobalDatabaseState {
  identifier: string;
  /** The global cluster's Status ("available"; "switching-over" or "failing-over" while its writer moves). */
  status: string;
  members: { clusterArn: string; isWriter: boolean }[];
  /**
   * FailoverState: present only while a switchover or failover is scheduled or in progress. Its
   * Status is "pending" (the clusters are being verified), "switching-over", "failing-over" or
   * "cancelling" (both return to their previous roles).
   */
  operation?: { status: string; fromClusterArn?: string; toClusterArn?: string; dataLossAllowed: boolean };
}

export interface FailoverCloud {
  readonly environment: string;
  getFlag(region: string): Promise<string>;
  putFlag(region: string, value: string): Promise<void>;
  getRegionInfo(region: string): Promise<FailoverRegionInfo>;
  getMappingState(region: string, uuid: string): Promise<MappingState>;
  setMappingEnabled(region: string, uuid: string, enabled: boolean): Promise<void>;
  /** The mapping's MaximumRecordAgeInSeconds (-1: infinite; undefined: not reported). */
  getMappingRecordAgeSeconds(region: string, uuid: string): Promise<number | undefined>;
  /** Highest ReplicationLatency (ms) from `source` to `receiving` over the last `windowMinutes`; undefined when there is no data. */
  replicationLagMs(source: string, receiving: string, tableName: string, windowMinutes: number): Promise<number | undefined>;
  /** The failover records of `domainName`, read from Route 53 (global: readable while a region is down). */
  listFailoverRecords(hostedZoneId: string, domainName: string): Promise<FailoverRecord[]>;
  getHealthCheck(id: string): Promise<HealthCheckState>;
  setHealthCheck(id: string, state: HealthCheckState): Promise<void>;
  /** One request to the region's API health path, on a new connection (so the load balancer may pick another instance). */
  probeInstance(target: ProbeTarget): Promise<InstanceReport>;
  /** Ids of the group's instances in the InService lifecycle state (the ones the load balancer routes new requests to). */
  listInServiceInstances(region: string, autoScalingGroupName: string): Promise<string[]>;
  /** ARNs of the service's tasks that ECS keeps running and whose containers may serve (ecsTasks.ts). */
  listRunningTasks(region: string, clusterName: string, serviceName: string): Promise<string[]>;
  /** DescribeGlobalClusters of one global cluster, asked in `region`. */
  describeGlobalDatabase(region: string, identifier: string): Promise<GlobalDatabaseState>;
  /** SwitchoverGlobalCluster, asked in `region`: planned, no data loss (RPO 0). */
  switchoverGlobalDatabase(region: string, identifier: string, targetClusterArn: string): Promise<void>;
  /** FailoverGlobalCluster with AllowDataLoss, asked in `region`: loses what had not replicated. */
  failoverGlobalDatabase(region: string, identifier: string, targetClusterArn: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Milliseconds since the epoch (the waits' clock; the in-memory cloud of the tests advances it in sleep). */
  now(): number;
}

export interface AwsCloudOptions {
  project: string;
  environment: string;
  /** Endpoint of every regional service of a region (tests: moto_server); default the AWS endpoints. */
  regionEndpoints?: Record<string, string>;
  /** Endpoint of Route 53 (global); default AWS's. */
  route53Endpoint?: string;
  /** Milliseconds one AWS or HTTP request may take. Default 5000. */
  requestTimeoutMs?: number;
  /**
   * PEM of CA certificates the probe trusts instead of Node's bundled roots (tests: a throwaway CA).
   * Verification itself is never turned off. Default: Node's roots, as for any public certificate.
   */
  trustedCa?: string;
  /** The probe's User-Agent. Default `trading-platform-failover`; the command passes its version. */
  userAgent?: string;
}

const regionInfoSchema = z.object({
  region: z.string(),
  role: z.enum(["primary", "replica"]),
  environment: z.string(),
  writeRegionParameter: z.string(),
  tableName: z.string(),
  streamConsumer: z.object({ functionName: z.string(), mappingUuid: z.string() }),
  apiEndpoint: z.string().regex(/^https?:\/\//),
  dns: z
    .object({ domainName: z.string(), hostedZoneId: z.string(), failoverRole: z.enum(["PRIMARY", "SECONDARY"]), healthCheckId: z.string() })
    .optional(),
  autoScalingGroupName: z.string().min(1).optional(),
  ecsService: z.object({ clusterName: z.string().min(1), serviceName: z.string().min(1) }).optional(),
  apiHostName: z.string().min(1).optional(),
  globalDatabase: z.object({ globalClusterIdentifier: z.string().min(1), clusterArn: z.string().regex(/^arn:aws[a-z-]*:rds:/) }).optional(),
});

/** The AWS implementation: one client per service and region, few retries and short timeouts (a region may be down). */
export function awsCloud(options: AwsCloudOptions): FailoverCloud {
  const timeout = options.requestTimeoutMs ?? 5000;
  const common = (region: string) => ({
    region,
    maxAttempts: 2,
    requestHandler: { requestTimeout: timeout, connectionTimeout: Math.min(timeout, 2000) },
    ...(options.regionEndpoints?.[region] ? { endpoint: options.regionEndpoints[region] } : {}),
  });
  const cache = new Map<string, unknown>();
  const client = <T>(kind: string, region: string, make: () => T): T => {
    const key = `${kind}:${region}`;
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  // nameAwsCalls: an error that reaches the operator names the IAM action and region that failed.
  const ssm = (region: string) => client("ssm", region, () => nameAwsCalls(new SSMClient(common(region))));
  const lambda = (region: string) => client("lambda", region, () => nameAwsCalls(new LambdaClient(common(region))));
  const cloudwatch = (region: string) => client("cloudwatch", region, () => nameAwsCalls(new CloudWatchClient(common(region))));
  const autoscaling = (region: string) => client("autoscaling", region, () => nameAwsCalls(new AutoScalingClient(common(region))));
  const ecs = (region: string) => client("ecs", region, () => nameAwsCalls(new ECSClient(common(region))));
  const rds = (region: string) => client("rds", region, () => nameAwsCalls(new RDSClient(common(region))));
  const route53 = client("route53", "global", () =>
    nameAwsCalls(
      new Route53Client({
        region: "us-east-1",
        maxAttempts: 2,
        requestHandler: { requestTimeout: timeout, connectionTimeout: Math.min(timeout, 2000) },
        ...(options.route53Endpoint ? { endpoint: options.route53Endpoint } : {}),
      }),
    ),
  );
  /** Turns "no answer at all" into UnreachableError naming the call that got none. */
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (!isNoResponse(error)) throw error;
      const named = awsCallOf(error);
      throw new UnreachableError(named ? `${named.action}${named.region ? ` in ${named.region}` : ""}` : what, error);
    }
  };
  /** An SSM parameter the stacks write (pulumi up) that is not there: the environment is not deployed in that region. */
  const parameter = async (region: string, name: string): Promise<string> => {
    try {
      const result = await call(`SSM in ${region}`, () => ssm(region).send(new GetParameterCommand({ Name: name })));
      return String(result.Parameter?.Value);
    } catch (error) {
      if ((error as { name?: string }).name !== "ParameterNotFound") throw error;
      throw new Error(
        `ssm:GetParameter in ${region}: parameter ${name} does not exist; the stack of ${options.environment} in ${region} writes it (is it deployed there, under project ${options.project}?)`,
        { cause: error },
      );
    }
  };
  const flagName = writeRegionParameterName(options.project, options.environment);
  const infoName = regionInfoParameterName(options.project, options.environment);

  return {
    environment: options.environment,
    getFlag: (region) => parameter(region, flagName),
    async putFlag(region, value) {
      await call(`SSM in ${region}`, () =>
        ssm(region).send(new PutParameterCommand({ Name: flagName, Value: value, Type: "String", Overwrite: true })),
      );
    },
    async getRegionInfo(region) {
      return regionInfoSchema.parse(JSON.parse(await parameter(region, infoName)));
    },
    async getMappingState(region, uuid) {
      const result = await call(`Lambda in ${region}`, () => lambda(region).send(new GetEventSourceMappingCommand({ UUID: uuid })));
      return String(result.State);
    },
    async getMappingRecordAgeSeconds(region, uuid) {
      const result = await call(`Lambda in ${region}`, () => lambda(region).send(new GetEventSourceMappingCommand({ UUID: uuid })));
      return result.MaximumRecordAgeInSeconds ?? undefined;
    },
    async setMappingEnabled(region, uuid, enabled) {
      await call(`Lambda in ${region}`, () => lambda(region).send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled })));
    },
    async replicationLagMs(source, receiving, tableName, windowMinutes) {
      // The end is a period past now, so the current, still-filling minute is part of the answer.
      const now = Date.now();
      const end = new Date(now + 60_000);
      const start = new Date(now - windowMinutes * 60_000);
      const result = await call(`CloudWatch in ${source}`, () =>
        cloudwatch(source).send(
          new GetMetricDataCommand({
            StartTime: start,
            EndTime: end,
            MetricDataQueries: [
              {
                Id: "lag",
                MetricStat: {
                  // Published in the source region, per receiving region (Monitoring global tables, DynamoDB Developer Guide).
                  Metric: {
                    Namespace: "AWS/DynamoDB",
                    MetricName: "ReplicationLatency",
                    Dimensions: [
                      { Name: "TableName", Value: tableName },
                      { Name: "ReceivingRegion", Value: receiving },
                    ],
                  },
                  Period: 60,
                  Stat: "Maximum",
                },
              },
            ],
          }),
        ),
      );
      const values = result.MetricDataResults?.[0]?.Values ?? [];
      return values.length > 0 ? Math.max(...values) : undefined;
    },
    async listFailoverRecords(hostedZoneId, domainName) {
      const fqdn = domainName.endsWith(".") ? domainName : `${domainName}.`;
      const records: FailoverRecord[] = [];
      let start: { name?: string; type?: string; identifier?: string } = { name: fqdn, type: "A" };
      for (;;) {
        const page = await call("Route 53", () =>
          route53.send(
            new ListResourceRecordSetsCommand({
              HostedZoneId: hostedZoneId,
              StartRecordName: start.name,
              StartRecordType: start.type as "A",
              ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
            }),
          ),
        );
        for (const set of page.ResourceRecordSets ?? []) {
          if (set.Name !== fqdn) return records;
          if (set.Type === "A" && set.Failover && set.SetIdentifier) {
            records.push({ region: set.SetIdentifier, failoverRole: set.Failover, ...(set.HealthCheckId ? { healthCheckId: set.HealthCheckId } : {}) });
          }
        }
        if (!page.IsTruncated) return records;
        start = { name: page.NextRecordName, type: page.NextRecordType, identifier: page.NextRecordIdentifier };
      }
    },
    async getHealthCheck(id) {
      const result = await call("Route 53", () => route53.send(new GetHealthCheckCommand({ HealthCheckId: id })));
      const config = result.HealthCheck?.HealthCheckConfig;
      return { disabled: config?.Disabled ?? false, inverted: config?.Inverted ?? false };
    },
    async setHealthCheck(id, state) {
      await call("Route 53", () => route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Disabled: state.disabled, Inverted: state.inverted })));
    },
    probeInstance: (target) => probe(target, timeout, options.userAgent ?? DEFAULT_USER_AGENT, options.trustedCa),
    async listInServiceInstances(region, autoScalingGroupName) {
      // DescribeAutoScalingGroups (Amazon EC2 Auto Scaling API Reference): each group's Instances
      // with their LifecycleState; InService ones are registered with the load balancer and get new
      // requests (Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling instance lifecycle").
      const result = await call(`Auto Scaling in ${region}`, () =>
        autoscaling(region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [autoScalingGroupName] })),
      );
      const group = result.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === autoScalingGroupName);
      if (!group) throw new Error(`autoscaling:DescribeAutoScalingGroups in ${region}: no group named ${autoScalingGroupName} (the region-info parameter names it)`);
      return (group.Instances ?? []).filter((i) => i.LifecycleState === "InService" && i.InstanceId).map((i) => String(i.InstanceId));
    },
    listRunningTasks: (region, clusterName, serviceName) => call(`ECS in ${region}`, () => runningServiceTasks(ecs(region), region, clusterName, serviceName)),
    async describeGlobalDatabase(region, identifier) {
      let result;
      try {
        result = await call(`RDS in ${region}`, () => rds(region).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: identifier })));
      } catch (error) {
        if ((error as { name?: string }).name !== "GlobalClusterNotFoundFault") throw error;
        throw new Error(`rds:DescribeGlobalClusters in ${region}: global cluster ${identifier} does not exist (the region-info parameter names it; the primary stack creates it)`, { cause: error });
      }
      const found = result.GlobalClusters?.find((g) => g.GlobalClusterIdentifier?.toLowerCase() === identifier.toLowerCase());
      if (!found) throw new Error(`rds:DescribeGlobalClusters in ${region}: no global cluster ${identifier} in the answer`);
      const op = found.FailoverState;
      return {
        identifier: String(found.GlobalClusterIdentifier),
        status: String(found.Status ?? "unknown"),
        members: (found.GlobalClusterMembers ?? []).map((m) => ({ clusterArn: String(m.DBClusterArn), isWriter: m.IsWriter === true })),
        // FailoverState "is empty unless a switchover or failover operation is scheduled or is in
        // progress" (RDS API Reference, FailoverState).
        ...(op?.Status
          ? {
              operation: {
                status: op.Status,
                ...(op.FromDbClusterArn ? { fromClusterArn: op.FromDbClusterArn } : {}),
                ...(op.ToDbClusterArn ? { toClusterArn: op.ToDbClusterArn } : {}),
                dataLossAllowed: op.IsDataLossAllowed === true,
              },
            }
          : {}),
      };
    },
    async switchoverGlobalDatabase(region, identifier, targetClusterArn) {
      // The target is named by ARN so RDS finds it in its region (SwitchoverGlobalCluster, TargetDbClusterIdentifier).
      await call(`RDS in ${region}`, () =>
        rds(region).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: identifier, TargetDbClusterIdentifier: targetClusterArn })),
      );
    },
    async failoverGlobalDatabase(region, identifier, targetClusterArn) {
      // AllowDataLoss makes it a global failover, not a switchover (FailoverGlobalCluster; it cannot go with Switchover).
      await call(`RDS in ${region}`, () =>
        rds(region).send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: identifier, TargetDbClusterIdentifier: targetClusterArn, AllowDataLoss: true })),
      );
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
  };
}
