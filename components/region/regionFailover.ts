import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVENESS_PATH, regionInfoParameterName, type RegionInfo } from "../../services/trading-api/src/contract";

export type { RegionInfo };

/** Route 53 failover role of a stack's record: the primary stack's is PRIMARY, a replica's SECONDARY. */
export type DnsFailoverRole = NonNullable<RegionInfo["dns"]>["failoverRole"];

/** Inputs of RegionFailover. */
export interface RegionFailoverArgs {
  /** Pulumi project: the first segment of the region-info parameter's name. */
  project: string;
  /** Environment ("prod", "dev"): the region-info parameter is per environment. */
  environment: string;
  /** The stack's role ("primary" or "replica"); it picks the record's failover role. */
  role: "primary" | "replica";
  /** This stack's region: the set identifier of its record. */
  region: string;
  /** The flag (WriteRegionFlag) the instances of this region read. */
  writeRegionParameterName: pulumi.Input<string>;
  /** ARN of that flag in this region: the instance role may read it here and in `peerRegions`. */
  writeRegionParameterArn: pulumi.Input<string>;
  /**
   * The environment's other regions: the instances may also read the flag (same name) there.
   * @default - none
   */
  peerRegions?: string[];
  /** The instance role of this region's fleet; it is granted ssm:GetParameter on the flags only. */
  instanceRoleArn: pulumi.Input<string>;
  /** This region's ALB (alias target and health-checked endpoint). */
  alb: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
  /** The URL of this region's API (https://<alb>), where the failover command reads the instances' mode. */
  apiEndpoint: pulumi.Input<string>;
  /**
   * This region's Auto Scaling group, whose InService instances the failover command hears from.
   * @default none (Fargate: `ecsService`)
   */
  autoScalingGroupName?: pulumi.Input<string>;
  /**
   * This region's ECS cluster and service, whose running tasks the failover command hears from.
   * @default none (EC2: `autoScalingGroupName`); with neither, the command waits the full two-writer bound
   */
  ecsService?: { clusterName: pulumi.Input<string>; serviceName: pulumi.Input<string> };
  /** This region's table and stream consumer, which the failover command moves. */
  tableName: pulumi.Input<string>;
  /** This region's stream processor, which the failover command enables in the write region only. */
  streamProcessorFunctionName: pulumi.Input<string>;
  /** UUID of that processor's event source mapping. */
  streamMappingUuid: pulumi.Input<string>;
  /**
   * The reference database's global cluster and this region's member cluster (its ARN), which the
   * failover command switches the writer to.
   * @default - none: the reference database is one regional cluster (dev), and the failover command skips it
   */
  globalDatabase?: { globalClusterIdentifier: pulumi.Input<string>; clusterArn: pulumi.Input<string> };
  /**
   * The environment's DNS name and zone: this stack's failover record and its health check.
   * @default - none: no DNS resource is created
   */
  dns?: { hostedZoneId: string; domainName: string };
}

/** Route 53 health checkers' settings: every 30 s from each checker region, 3 failures to turn unhealthy. */
export const HEALTH_CHECK = { type: "HTTPS", port: 443, requestInterval: 30, failureThreshold: 3 } as const;

/**
 * The region's part of the environment's failover: the read grant of the write-region flag for the
 * instance role, the optional Route 53 failover record with its health check, and the region-info
 * parameter the failover command discovers the region by (with the reference database's global
 * cluster and this region's member, where there is one).
 *
 * DNS: each stack owns one record of the failover pair, told apart by its set identifier (the
 * region): the primary's is PRIMARY, the replica's SECONDARY, both aliases to their region's ALB
 * with target health evaluated, each tied to an HTTPS health check of its ALB's shallow health path
 * (no token needed; it only says the process is alive). Route 53 answers with the PRIMARY record
 * while it is healthy, else the SECONDARY. The failover command forces the PRIMARY's health check
 * unhealthy (Disabled + Inverted) while the write region is the SECONDARY's, so DNS follows the
 * write region; those two properties are operational state (`ignoreChanges`).
 */
export class RegionFailover extends pulumi.ComponentResource {
  /** The `/<project>/<env>/region-info` parameter the failover command discovers the region by. */
  public readonly regionInfoParameterName: pulumi.Output<string>;
  /** Route 53 health check of this region's ALB; only with `dns`. */
  public readonly healthCheckId?: pulumi.Output<string>;
  /** This stack's record in the failover pair (PRIMARY or SECONDARY); only with `dns`. */
  public readonly failoverRole?: DnsFailoverRole;
  /** The environment's DNS name (`dns.domainName`); only with `dns`. */
  public readonly apiDomainName?: string;

  constructor(name: string, args: RegionFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:region:RegionFailover", name, {}, opts);
    const parent = { parent: this };

    new aws.iam.RolePolicy(
      `${name}-read-write-region`,
      {
        role: pulumi.output(args.instanceRoleArn).apply((arn) => arn.split("/").pop() ?? arn),
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WriteRegionFlag",
              Effect: "Allow",
              Action: ["ssm:GetParameter"],
              // This region's flag, and the same parameter in each other region of the environment.
              Resource: pulumi
                .output(args.writeRegionParameterArn)
                .apply((arn) => [arn, ...(args.peerRegions ?? []).map((peer) => arn.split(":").map((part, i) => (i === 3 ? peer : part)).join(":"))]),
            },
          ],
        }),
      },
      parent,
    );

    let dns: pulumi.Output<RegionInfo["dns"]> | undefined;
    if (args.dns) {
      const failoverRole: DnsFailoverRole = args.role === "primary" ? "PRIMARY" : "SECONDARY";
      const healthCheck = new aws.route53.HealthCheck(
        `${name}-health`,
        {
          type: HEALTH_CHECK.type,
          fqdn: args.alb.dnsName,
          port: HEALTH_CHECK.port,
          // The liveness path, which the service keeps for checkers outside the VPC: /healthz also
          // tells the write mode and the instance, which Route 53's checkers have no need of.
          resourcePath: LIVENESS_PATH,
          enableSni: true,
          requestInterval: HEALTH_CHECK.requestInterval,
          failureThreshold: HEALTH_CHECK.failureThreshold,
          // Declared so that they are visibly the failover command's: it sets both to force a
          // PRIMARY out of DNS while the write region is elsewhere, and pulumi up must not undo it.
          disabled: false,
          invertHealthcheck: false,
          tags: { Name: `${args.dns.domainName} ${args.region} (${failoverRole})` },
        },
        { parent: this, ignoreChanges: ["disabled", "invertHealthcheck"] },
      );
      new aws.route53.Record(
        `${name}-api`,
        {
          zoneId: args.dns.hostedZoneId,
          name: args.dns.domainName,
          type: "A",
          setIdentifier: args.region,
          failoverRoutingPolicies: [{ type: failoverRole }],
          aliases: [{ name: args.alb.dnsName, zoneId: args.alb.zoneId, evaluateTargetHealth: true }],
          healthCheckId: healthCheck.id,
        },
        parent,
      );
      this.healthCheckId = healthCheck.id;
      this.failoverRole = failoverRole;
      this.apiDomainName = args.dns.domainName;
      const { hostedZoneId, domainName } = args.dns;
      dns = healthCheck.id.apply((healthCheckId) => ({ domainName, hostedZoneId, failoverRole, healthCheckId }));
    }

    const globalDatabase: pulumi.Output<RegionInfo["globalDatabase"]> | undefined = args.globalDatabase
      ? pulumi.all([args.globalDatabase.globalClusterIdentifier, args.globalDatabase.clusterArn]).apply(([globalClusterIdentifier, clusterArn]) => ({ globalClusterIdentifier, clusterArn }))
      : undefined;
    if (args.autoScalingGroupName !== undefined && args.ecsService) {
      // One platform per region: the failover command would not know whose members to hear from.
      throw new Error("RegionFailover: pass autoScalingGroupName (ec2) or ecsService (fargate), not both");
    }
    // The fleet the failover command hears from: one of the two fields, or neither.
    const ecs = args.ecsService;
    const fleet: pulumi.Output<Pick<RegionInfo, "autoScalingGroupName" | "ecsService">> = ecs
      ? pulumi.all([ecs.clusterName, ecs.serviceName]).apply(([clusterName, serviceName]) => ({ ecsService: { clusterName, serviceName } }))
      : pulumi.output(args.autoScalingGroupName).apply((autoScalingGroupName) => (autoScalingGroupName ? { autoScalingGroupName } : {}));
    const info: pulumi.Output<RegionInfo> = pulumi
      .all([args.writeRegionParameterName, args.tableName, args.streamProcessorFunctionName, args.streamMappingUuid, args.apiEndpoint, fleet, dns, globalDatabase])
      .apply(([writeRegionParameter, tableName, functionName, mappingUuid, apiEndpoint, fleetInfo, dnsInfo, globalDatabaseInfo]) => ({
        region: args.region,
        role: args.role,
        environment: args.environment,
        writeRegionParameter,
        tableName,
        streamConsumer: { functionName, mappingUuid },
        apiEndpoint,
        ...fleetInfo,
        ...(dnsInfo ? { dns: dnsInfo } : {}),
        ...(globalDatabaseInfo ? { globalDatabase: globalDatabaseInfo } : {}),
      }));
    const parameter = new aws.ssm.Parameter(
      `${name}-region-info`,
      {
        name: regionInfoParameterName(args.project, args.environment),
        description: `What the failover command needs of ${args.environment} in this region (managed by pulumi up)`,
        type: "String",
        insecureValue: info.apply((value) => JSON.stringify(value)),
      },
      parent,
    );
    this.regionInfoParameterName = parameter.name;
    this.registerOutputs({ regionInfoParameterName: this.regionInfoParameterName, healthCheckId: this.healthCheckId });
  }
}
