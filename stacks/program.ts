/**
 * The platform, composed per stack role. `stacks/index.ts` hands this function to the Pulumi
 * runtime; the test harness calls it directly under mocks.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurityGroups } from "../components/cluster/securityGroups";
import type { ComputePlatform } from "../components/cluster/config";
import { TradingCluster } from "../components/cluster/tradingCluster";
import { DataTier, dataZonesOf } from "../components/data/dataTier";
import { ReferenceDataMigrations } from "../components/data/migrations";
import { REFDATA_DB_ROLE } from "../services/reference-data/contract";
import { EdgeProtection } from "../components/edge/edgeProtection";
import { cacheEngineVersionOf } from "../components/data/config";
import { dynamoTier } from "../components/dynamo/tier";
import { readDynamoPrimary } from "./primaryDynamo";
import { referenceDataPlacement } from "./primaryData";
import { HaNetwork } from "../components/network/haNetwork";
import { dnsSettingsOf } from "../components/region/config";
import { RegionFailover } from "../components/region/regionFailover";
import { WriteRegionFlag } from "../components/region/writeRegionFlag";
import { loadStackConfig } from "./config";
import { refusePlaceholders } from "./placeholders";
import { observabilityFor } from "./observability";
import { gameDaysFor, gameDaysOutputsOf } from "./gameDays";
import { SERVICE_METRICS_NAMESPACE } from "../services/trading-api/src/metricsContract";
import { stackAuthentication } from "./edge";
import { readAuthPrimary } from "./primaryAuth";
import {
  CONTRACT_VERSION,
  OutputSection,
  PrimaryStackOutputs,
  ReplicaStackOutputs,
  StackOutputValues,
} from "./outputs";

/**
 * Returns the stack outputs: exactly the contract of stacks/outputs.ts for the stack's role (the
 * `satisfies` clauses below; the return type is left inferred so callers see the precise Outputs).
 */
export async function main() {
  // Validate everything before the first resource is registered: a bad stack file creates nothing.
  const config = loadStackConfig();
  // The committed stack files hold example values that only the example account (the mock cloud)
  // accepts; a real preview or up with one left stops here, naming each (stacks/placeholders.ts).
  const accountId = (await aws.getCallerIdentity({})).accountId;
  refusePlaceholders(config, accountId);
  // A replica reads and validates its primary's outputs (StackReference) before anything is created.
  const dynamoPrimary = await readDynamoPrimary(config);
  // The reference database: regional, or the global database's primary or secondary, and whether
  // this stack's cluster holds the writer now (RDS says so: a switchover moves it without a deploy).
  const referenceData = await referenceDataPlacement(config, dynamoPrimary, { accountId, partition: (await aws.getPartition({})).partition });
  pulumi.log.info(`reference data: ${referenceData.reason}`);
  // A replica that uses its primary's token issuer reads it the same way, before anything is created.
  const authPrimary = await readAuthPrimary(config);

  const network = new HaNetwork("trading", {
    cidrBlock: config.vpcCidr,
    availabilityZoneIds: config.azIds,
    subnetPrefixes: { public: config.publicSubnetPrefix, app: config.appSubnetPrefix, data: config.dataSubnetPrefix },
    azSlotsPerTier: config.azSlotsPerTier,
    natGatewayMode: config.natGatewayMode,
    flowLogRetentionDays: config.flowLogRetentionDays,
  });

  // Step 2: the cluster's security groups, before the data stores, which admit the app group.
  const clusterSecurityGroups = new ClusterSecurityGroups("trading", {
    vpcId: network.vpcId,
    ingressCidrs: config.clusterIngressCidrs,
    appPort: config.clusterAppPort,
  });

  // Step 3: the DynamoDB hot path (primary) or this region's replica of it (replica), with DAX
  // admitting the app group; `dynamo.access` is what TradingCluster needs.
  const dynamo = dynamoTier(
    "trading",
    config,
    {
      vpcId: network.vpcId,
      dataSubnets: network.zones.map((zone) => zone.dataSubnet),
      appSecurityGroupId: clusterSecurityGroups.appSecurityGroupId,
    },
    dynamoPrimary,
  );

  // Step 4: Aurora PostgreSQL and the cache in the data subnets, reachable only from the app group.
  const data = new DataTier("trading", {
    vpcId: network.vpcId,
    zones: dataZonesOf(network.zones),
    appSecurityGroupId: clusterSecurityGroups.appSecurityGroupId,
    identifier: `trading-${config.stack}`,
    database: {
      engineVersion: config.dataDbEngineVersion,
      instanceClass: config.dataDbInstanceClass,
      instanceCount: config.dataDbInstanceCount,
      backupRetentionDays: config.dataBackupRetentionDays,
      deletionProtection: config.dataDbDeletionProtection,
      monitoringIntervalSeconds: config.dataDbMonitoringIntervalSeconds,
      performanceInsightsRetentionDays: config.dataDbPerformanceInsightsRetentionDays,
    },
    cache: {
      engine: config.dataCacheEngine,
      engineVersion: cacheEngineVersionOf(config),
      nodeType: config.dataCacheNodeType,
      nodeCount: config.dataCacheNodeCount,
      snapshotRetentionDays: config.dataCacheSnapshotRetentionDays,
    },
    skipFinalSnapshot: config.dataSkipFinalSnapshot,
    logRetentionDays: config.dataLogRetentionDays,
    globalDatabase: referenceData.globalDatabase,
  });

  // Step 4b: the reference-data schema and roles, applied by this deployment (a Lambda in the app
  // subnets, invoked when the migration set changes), once the writer accepts connections. Invoked
  // only where this stack's cluster holds the writer (a global database's secondary is read-only);
  // the function exists in every region, for the stack that holds the writer after a switchover.
  const migrations = new ReferenceDataMigrations("trading", {
    vpcId: network.vpcId,
    subnetIds: network.zones.map((zone) => zone.appSubnet.id),
    dbSecurityGroupId: data.dbSecurityGroupId,
    dbWriterEndpoint: data.dbWriterEndpoint,
    dbPort: data.dbPort,
    dbName: data.dbName,
    dbMasterSecretArn: data.dbMasterSecretArn,
    dbKmsKeyArn: data.dbKmsKeyArn,
    waitFor: [data.instances[0]],
    logRetentionDays: config.dataLogRetentionDays,
    invoke: referenceData.holdsWriter,
  });

  // Step 5a: the environment's write-region flag in this region (operational state after creation).
  // The primary starts as the write region; a replica's flag names its primary's region, which the
  // primary-output checks have already proved differs from its own.
  const writeRegion = new WriteRegionFlag("trading", {
    project: pulumi.getProject(),
    environment: config.environment,
    initialWriteRegion: dynamoPrimary ? dynamoPrimary.outputs.region : config.region,
  });

  // The environment's other regions, whose flags can take write mode away (a replica's primary first).
  const peerRegions = [...new Set([...(dynamoPrimary ? [dynamoPrimary.outputs.region] : []), ...config.failoverPeerRegions])];

  // Step 5: the token issuer (a Cognito user pool, an external issuer or the primary's), then the
  // fleet and its load balancer, which verify its tokens, reaching the hot path through step 2's groups.
  const auth = stackAuthentication(config, authPrimary);
  const cluster = new TradingCluster<ComputePlatform>("trading", {
    // EC2 instances or Fargate tasks, behind the same ALB, listeners, groups and permissions.
    computePlatform: config.computePlatform,
    taskCpu: config.clusterTaskCpu,
    taskMemoryMiB: config.clusterTaskMemoryMiB,
    vpcId: network.vpcId,
    appSubnetIds: network.zones.map((zone) => zone.appSubnet.id),
    publicSubnetIds: network.zones.map((zone) => zone.publicSubnet.id),
    albSecurityGroupId: clusterSecurityGroups.albSecurityGroupId,
    appSecurityGroupId: clusterSecurityGroups.appSecurityGroupId,
    hotPath: dynamo.access,
    instanceType: config.clusterInstanceType,
    imageId: config.clusterAmiId,
    minSize: config.clusterMinSize,
    desiredCapacity: config.clusterDesiredCapacity,
    maxSize: config.clusterMaxSize,
    healthCheckGraceSeconds: config.clusterHealthCheckGraceSeconds,
    deregistrationDelaySeconds: config.clusterDeregistrationDelaySeconds,
    scalingMetric: config.clusterScalingMetric,
    scalingRequestsPerTarget: config.clusterScalingRequestsPerTarget,
    scalingCpuPercent: config.clusterScalingCpuPercent,
    certificateArn: config.clusterCertificateArn,
    accessLogRetentionDays: config.clusterAccessLogRetentionDays,
    appPort: config.clusterAppPort,
    deletionProtection: config.isProduction,
    // A dev stack is torn down with its buckets; a prod bucket is never emptied by a deployment.
    forceDestroyBuckets: !config.isProduction,
    instanceTags: config.defaultTags,
    cursorSecretRotation: config.clusterCursorSecretVersion,
    // Aurora (reader endpoint) and the cache for the pre-trade checks: IAM policy and environment.
    referenceData: data.access,
    writeRegionParameterName: writeRegion.parameterName,
    writeRegionPeers: peerRegions,
    authentication: auth.authentication,
  });

  // Step 5b: AWS WAF in front of the load balancer.
  if (config.edgeWafEnabled) {
    new EdgeProtection("trading", {
      loadBalancerArn: cluster.albArn,
      rateLimit: config.edgeWafRateLimit,
      logRetentionDays: config.edgeWafLogRetentionDays,
    });
  }

  // Step 6: this region's part of the failover: the flag's read grant, DNS (when configured) and
  // the description the failover command discovers the region by.
  const dns = dnsSettingsOf(config);
  const failover = new RegionFailover("trading", {
    project: pulumi.getProject(),
    environment: config.environment,
    role: config.role,
    region: config.region,
    writeRegionParameterName: writeRegion.parameterName,
    writeRegionParameterArn: writeRegion.parameterArn,
    peerRegions,
    instanceRoleArn: cluster.instanceRoleArn,
    alb: { dnsName: cluster.albDnsName, zoneId: cluster.albZoneId },
    apiEndpoint: cluster.endpoint,
    // The fleet whose members the failover command hears from before it flips the target
    // (services/failover proveStoppedWriting): the Auto Scaling group's InService instances on EC2,
    // the ECS service's running tasks on Fargate.
    ...(cluster.fleet.platform === "ec2"
      ? { autoScalingGroupName: cluster.fleet.autoScalingGroupName }
      : { ecsService: { clusterName: cluster.fleet.ecsClusterName, serviceName: cluster.fleet.ecsServiceName } }),
    tableName: dynamo.access.tableName,
    streamProcessorFunctionName: dynamo.localStream.functionName,
    streamMappingUuid: dynamo.localStream.mappingUuid,
    ...(data.dbGlobalClusterIdentifier ? { globalDatabase: { globalClusterIdentifier: data.dbGlobalClusterIdentifier, clusterArn: data.dbClusterArn } } : {}),
    ...(dns ? { dns } : {}),
  });

  // Step 7: alarms on every tier, the stack's notification path and its dashboard, each alarm
  // depending on the resource it watches (so it is created after it).
  const observability = observabilityFor(config, { network, cluster, dynamo, data, dynamoPrimary });

  // Step 8 (config gameDays): AWS FIS templates rehearsing an AZ loss and the data tier's failovers,
  // stopped by the composite alarm above; the Aurora failover only where this cluster holds the writer.
  const gameDays = gameDaysFor(config, { network, cluster, data, observability, holdsWriter: referenceData.holdsWriter });

  // `satisfies` makes the compiler hold every section to the contract: a missing or extra key fails tsc.
  const sections = {
    network: {
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      availabilityZoneIds: network.availabilityZoneIds,
      availabilityZoneNames: network.availabilityZoneNames,
      publicSubnetIds: network.publicSubnetIds,
      appSubnetIds: network.appSubnetIds,
      dataSubnetIds: network.dataSubnetIds,
      publicRouteTableId: network.publicRouteTableId,
      appRouteTableIds: network.appRouteTableIds,
      dataRouteTableIds: network.dataRouteTableIds,
    },
    dynamo: dynamo.outputs,
    cluster: {
      albSecurityGroupId: clusterSecurityGroups.albSecurityGroupId,
      appSecurityGroupId: clusterSecurityGroups.appSecurityGroupId,
      albDnsName: cluster.albDnsName,
      albZoneId: cluster.albZoneId,
      albArn: cluster.albArn,
      endpoint: cluster.endpoint,
      targetGroupArn: cluster.targetGroupArn,
      ...(cluster.asgName ? { asgName: cluster.asgName } : {}),
      instanceRoleArn: cluster.instanceRoleArn,
      ...(cluster.artifactBucketName ? { artifactBucketName: cluster.artifactBucketName } : {}),
      serviceLogGroupName: cluster.serviceLogGroupName,
    },
    compute: cluster.compute,
    data: {
      dbWriterEndpoint: data.dbWriterEndpoint,
      dbReaderEndpoint: data.dbReaderEndpoint,
      dbPort: data.dbPort,
      dbName: data.dbName,
      dbMasterSecretArn: data.dbMasterSecretArn,
      dbSecurityGroupId: data.dbSecurityGroupId,
      cachePrimaryEndpoint: data.cachePrimaryEndpoint,
      cacheReaderEndpoint: data.cacheReaderEndpoint,
      cachePort: data.cachePort,
      cacheUserName: data.access.cacheUserName,
      cacheSecurityGroupId: data.cacheSecurityGroupId,
      dbAppUser: data.access.dbUser,
      dbRefdataConnectArn: data.access.dbConnectArn.apply((arn) => arn.replace(/\/[^/]+$/, `/${REFDATA_DB_ROLE}`)),
      refdataMigrationFunctionName: migrations.functionName,
      refdataMigrationSetSha256: pulumi.output(migrations.migrationSetSha256),
      dbClusterArn: data.dbClusterArn,
      ...(data.dbGlobalClusterIdentifier && data.dbGlobalWriterEndpoint
        ? { dbGlobalClusterIdentifier: data.dbGlobalClusterIdentifier, dbGlobalWriterEndpoint: data.dbGlobalWriterEndpoint }
        : {}),
    },
    failover: {
      writeRegionParameterName: writeRegion.parameterName,
      writeRegionParameterArn: writeRegion.parameterArn,
      initialWriteRegion: writeRegion.initialWriteRegion,
      regionInfoParameterName: failover.regionInfoParameterName,
      streamArn: dynamo.localStream.streamArn,
      streamProcessorFunctionName: dynamo.localStream.functionName,
      streamMappingUuid: dynamo.localStream.mappingUuid,
      dlqUrl: dynamo.localStream.dlqUrl,
      ...(failover.healthCheckId && failover.apiDomainName && failover.failoverRole
        ? { dns: { apiDomainName: failover.apiDomainName, failoverRole: failover.failoverRole, healthCheckId: failover.healthCheckId } }
        : {}),
    },
    auth: auth.outputs,
    observability: {
      alarmTopicArn: observability.topicArn,
      degradedAlarmName: observability.degradedAlarmName,
      alarmNames: observability.alarmNames,
      dashboardName: observability.dashboardName,
      serviceMetricsNamespace: SERVICE_METRICS_NAMESPACE,
    },
    // Absent where gameDays is off: the section is optional in the contract (since 1.5.0).
    ...(gameDays ? { gameDays: gameDaysOutputsOf(gameDays) } : {}),
  } satisfies Pick<StackOutputValues<PrimaryStackOutputs>, OutputSection>;
  const { environment, region } = config;
  if (dynamoPrimary) {
    return {
      contractVersion: CONTRACT_VERSION,
      environment,
      role: "replica",
      region,
      primaryStack: dynamoPrimary.stack,
      ...sections,
    } satisfies StackOutputValues<ReplicaStackOutputs>;
  }
  return { contractVersion: CONTRACT_VERSION, environment, role: "primary", region, ...sections } satisfies StackOutputValues<PrimaryStackOutputs>;
}
