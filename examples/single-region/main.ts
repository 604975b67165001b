/**
 * The platform's components composed directly, without the project's stack layer (no stacks/config
 * schema, no roles, no outputs contract): one region, two AZs, one of everything, the smallest
 * configuration the dev policy packs accept. The `usage:` regions are the usage snippets of the
 * component READMEs (offline/componentDocs.ts copies them), so every snippet there is code that
 * compiles and runs in tests/examples/singleRegion.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterSecurityGroups } from "../../components/cluster/securityGroups";
import { TradingCluster } from "../../components/cluster/tradingCluster";
import { DataTier, dataZonesOf } from "../../components/data/dataTier";
import { ReferenceDataMigrations } from "../../components/data/migrations";
import { planCapacity } from "../../components/dynamo/capacity";
import { DynamoHotPath } from "../../components/dynamo/hotPath";
import { EdgeProtection } from "../../components/edge/edgeProtection";
import { TokenIssuer } from "../../components/edge/tokenIssuer";
import { HaNetwork } from "../../components/network/haNetwork";
import { alarmThresholds, observabilityConfigShape } from "../../components/observability/config";
import { auroraInstanceMemoryBytes } from "../../components/observability/instanceMemory";
import { Observability } from "../../components/observability/observability";
import { RegionFailover } from "../../components/region/regionFailover";
import { WriteRegionFlag } from "../../components/region/writeRegionFlag";
import { GLOBAL_SECONDARY_INDEXES, tableName } from "../../services/table/schema";

/** The cheapest classes the dev cost pack's allow-lists and budget accept. */
const SIZES = {
  instanceType: "c7g.large",
  dbInstanceClass: "db.t4g.medium",
  cacheNodeType: "cache.t4g.small",
  daxNodeType: "dax.t3.small",
} as const;

/**
 * Auto scaling range of the table and of each GSI, read and write alike: from DynamoDB's smallest
 * provisioned capacity, 1 unit (auto scaling raises it within about two minutes of sustained load),
 * to 50 (the dev cap is 200).
 */
const MIN_CAPACITY = 1;
const MAX_CAPACITY = 50;

export async function main() {
  const config = new pulumi.Config();
  const azIds = config.requireObject<string[]>("azIds");
  const stack = pulumi.getStack();
  const region = new pulumi.Config("aws").require("region");

  // #region usage:HaNetwork
  const network = new HaNetwork("trading", {
    cidrBlock: config.require("vpcCidr"),
    availabilityZoneIds: azIds,
    // One NAT gateway for the whole VPC: dev cost only (an AZ outage cuts the other AZ's egress).
    natGatewayMode: "single",
    flowLogRetentionDays: 14,
  });
  // #endregion usage:HaNetwork

  // #region usage:ClusterSecurityGroups
  const groups = new ClusterSecurityGroups("trading", {
    vpcId: network.vpcId,
    ingressCidrs: config.requireObject<string[]>("ingressCidrs"),
    appPort: 8080,
  });
  // #endregion usage:ClusterSecurityGroups

  // #region usage:DynamoHotPath
  const capacity = planCapacity({
    readCapacity: MIN_CAPACITY,
    writeCapacity: MIN_CAPACITY,
    readMinCapacity: MIN_CAPACITY,
    readMaxCapacity: MAX_CAPACITY,
    writeMinCapacity: MIN_CAPACITY,
    writeMaxCapacity: MAX_CAPACITY,
    indexReadMinCapacity: MIN_CAPACITY,
    indexReadMaxCapacity: MAX_CAPACITY,
    indexWriteMinCapacity: MIN_CAPACITY,
    indexWriteMaxCapacity: MAX_CAPACITY,
    targetUtilization: 70,
  });
  const hotPath = new DynamoHotPath("trading", {
    tableName: tableName({ project: pulumi.getProject(), environment: stack }),
    capacity,
    deletionProtection: false,
    network: {
      vpcId: network.vpcId,
      dataSubnets: network.zones.map((zone) => zone.dataSubnet),
      appSecurityGroupId: groups.appSecurityGroupId,
    },
    // One burstable node: no AZ redundancy for the cache (reads fall back to DynamoDB).
    dax: { clusterName: `single-${stack}`, nodeType: SIZES.daxNodeType, replicationFactor: 1, itemTtlMillis: 60_000, queryTtlMillis: 1_000 },
    stream: { logRetentionDays: 14 },
  });
  // #endregion usage:DynamoHotPath

  // #region usage:DataTier
  const data = new DataTier("trading", {
    vpcId: network.vpcId,
    zones: dataZonesOf(network.zones),
    appSecurityGroupId: groups.appSecurityGroupId,
    identifier: `single-${stack}`,
    // One writer and one cache node: no standby (a failure is an outage until AWS replaces it).
    database: { engineVersion: "17.6", instanceClass: SIZES.dbInstanceClass, instanceCount: 1, backupRetentionDays: 1, deletionProtection: false },
    cache: { engine: "valkey", engineVersion: "9.0", nodeType: SIZES.cacheNodeType, nodeCount: 1, snapshotRetentionDays: 1 },
    skipFinalSnapshot: true,
    logRetentionDays: 14,
  });
  // #endregion usage:DataTier

  // #region usage:ReferenceDataMigrations
  // The schema and the application's database roles, applied by this `pulumi up` once the writer is up.
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
    logRetentionDays: 14,
  });
  // #endregion usage:ReferenceDataMigrations

  // #region usage:TokenIssuer
  // The API refuses to start without an issuer: a Cognito user pool with one trading client.
  const issuer = new TokenIssuer("trading", { clients: [{ name: "dev-desk", kind: "trading" }] });
  // #endregion usage:TokenIssuer

  // #region usage:WriteRegionFlag
  // The environment's write-region flag. With one region it names this one for good, but the fleet
  // already reads it, so a replica region added later joins the same flag without a code change.
  const writeRegion = new WriteRegionFlag("trading", { project: pulumi.getProject(), environment: stack, initialWriteRegion: region });
  // #endregion usage:WriteRegionFlag

  // #region usage:TradingCluster
  const cluster = new TradingCluster("trading", {
    vpcId: network.vpcId,
    appSubnetIds: network.zones.map((zone) => zone.appSubnet.id),
    publicSubnetIds: network.zones.map((zone) => zone.publicSubnet.id),
    albSecurityGroupId: groups.albSecurityGroupId,
    appSecurityGroupId: groups.appSecurityGroupId,
    hotPath: hotPath.access,
    referenceData: data.access,
    authentication: issuer.authentication,
    writeRegionParameterName: writeRegion.parameterName,
    instanceType: SIZES.instanceType,
    imageId: config.require("amiId"),
    // One instance: a deploy's instance refresh or an AZ loss is a short outage.
    minSize: 1,
    desiredCapacity: 1,
    maxSize: 2,
    accessLogRetentionDays: 14,
    serviceLogRetentionDays: 14,
    forceDestroyBuckets: true,
    // No certificateArn: HTTP only, so the ALB cannot verify JWTs (jwt-validation needs HTTPS); the
    // service still verifies every token.
  });
  // #endregion usage:TradingCluster

  // #region usage:RegionFailover
  // The fleet's read grant on the flag and the region-info parameter the failover command finds
  // the region by (no DNS failover: pass `dns` once there is a second region).
  new RegionFailover("trading", {
    project: pulumi.getProject(),
    environment: stack,
    role: "primary",
    region,
    writeRegionParameterName: writeRegion.parameterName,
    writeRegionParameterArn: writeRegion.parameterArn,
    instanceRoleArn: cluster.instanceRoleArn,
    alb: { dnsName: cluster.albDnsName, zoneId: cluster.albZoneId },
    apiEndpoint: cluster.endpoint,
    autoScalingGroupName: cluster.asgName,
    tableName: hotPath.tableName,
    streamProcessorFunctionName: hotPath.streamConsumer.functionName,
    streamMappingUuid: hotPath.streamConsumer.mappingUuid,
  });
  // #endregion usage:RegionFailover

  // AWS WAF in front of the ALB, as in the platform's own dev stack: the dev security pack's
  // suppression for the WAF's log redaction names this component's logging resource, and a
  // suppression that matches nothing fails the pack.
  new EdgeProtection("trading", { loadBalancerArn: cluster.albArn, logRetentionDays: 14 });

  // #region usage:Observability
  // Every threshold at its documented default (components/observability/config.ts).
  const defaults = z.object(observabilityConfigShape).parse({});
  // Member clusters are <group id>-001, -002, ... in creation order, which is the placement order.
  const cacheMembers = data.replicationGroup.memberClusters.apply((ids) => [...ids].sort());
  const observability = new Observability("trading", {
    namePrefix: `single-${stack}`,
    thresholds: alarmThresholds({ ...defaults, clusterMinSize: 1, azIds }),
    notifications: { emailAddresses: [config.require("alarmEmail")] },
    targets: {
      loadBalancer: {
        arnSuffix: cluster.albArnSuffix,
        targetGroupArnSuffix: cluster.targetGroupArnSuffix,
        zones: network.zones.map((zone) => ({ azId: zone.azId, azName: zone.publicSubnet.availabilityZone })),
      },
      fleet: { autoScalingGroupName: cluster.asgName, minSize: 1 },
      natGateways: network.zones.flatMap((zone) => (zone.natGateway ? [{ azId: zone.azId, id: zone.natGateway.id }] : [])),
      serviceTable: hotPath.tableName,
      table: {
        name: hotPath.tableName,
        indexNames: GLOBAL_SECONDARY_INDEXES.map((index) => index.name),
        maxima: {
          table: { read: capacity.table.read.max, write: capacity.table.write.max },
          index: { read: capacity.index.read.max, write: capacity.index.write.max },
        },
        receivingRegions: [],
      },
      dax: { clusterName: hotPath.dax.cluster.clusterName },
      aurora: {
        clusterIdentifier: data.cluster.clusterIdentifier,
        instances: data.instances.map((instance) => ({
          azId: network.zones[0].azId,
          identifier: instance.identifier,
          memoryBytes: auroraInstanceMemoryBytes(SIZES.dbInstanceClass),
        })),
      },
      cache: { members: [{ azId: network.zones[0].azId, cacheClusterId: cacheMembers.apply((ids) => ids[0]) }] },
      streamProcessor: { functionName: hotPath.streamConsumer.functionName, queueName: hotPath.streamConsumer.dlqName },
    },
  });
  // #endregion usage:Observability

  return {
    endpoint: cluster.endpoint,
    tokenEndpoint: issuer.tokenEndpoint,
    tableName: hotPath.tableName,
    daxEndpoint: hotPath.daxEndpoint,
    dbWriterEndpoint: data.dbWriterEndpoint,
    refdataMigrationFunctionName: migrations.functionName,
    alarmTopicArn: observability.topicArn,
    degradedAlarmName: observability.degradedAlarmName,
    dashboardName: observability.dashboardName,
  };
}
