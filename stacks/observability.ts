/**
 * The stack's Observability, composed from the components it watches: each alarm target is an
 * output of the resource itself (the ALB's and target group's ARN suffixes, the group's name, the
 * table, DAX cluster, Aurora and cache identifiers, the stream processor's function and queue, the
 * NAT gateways), so every alarm depends on what it watches.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ComputePlatform } from "../components/cluster/config";
import type { TradingCluster } from "../components/cluster/tradingCluster";
import { spreadOverZones } from "../components/data/catalog";
import type { DataTier } from "../components/data/dataTier";
import { planCapacity } from "../components/dynamo/capacity";
import { capacitySettings } from "../components/dynamo/config";
import type { DynamoPrimary, DynamoTier } from "../components/dynamo/tier";
import type { HaNetwork } from "../components/network/haNetwork";
import type { AlarmTargets, CapacityMaxima } from "../components/observability/alarmPlan";
import { alarmThresholds } from "../components/observability/config";
import { auroraInstanceMemoryBytes } from "../components/observability/instanceMemory";
import { Observability } from "../components/observability/observability";
import { GLOBAL_SECONDARY_INDEXES } from "../services/table/schema";
import type { StackConfig } from "./config";

export interface WatchedComponents {
  network: HaNetwork;
  cluster: TradingCluster<ComputePlatform>;
  dynamo: DynamoTier;
  data: DataTier;
  /** The replica's primary (undefined in a primary stack). */
  dynamoPrimary: DynamoPrimary | undefined;
}

/** Auto scaling maxima of the table and of each GSI in this stack's region. */
function capacityMaxima(config: StackConfig, primary: DynamoPrimary | undefined): { table: CapacityMaxima; index: CapacityMaxima } {
  const plan = planCapacity(capacitySettings(config, config.role));
  // A replica's write scaling is the primary's (DynamoDB keeps it equal in every region).
  const writes = primary ? primary.outputs.writeScaling : { table: plan.table.write, index: plan.index.write };
  return {
    table: { read: plan.table.read.max, write: writes.table.max },
    index: { read: plan.index.read.max, write: writes.index.max },
  };
}

/** The resources the alarms watch, as their CloudWatch identifiers. */
export function alarmTargets(config: StackConfig, c: WatchedComponents): AlarmTargets<pulumi.Output<string>> {
  const zones = c.network.zones;
  const instancePlacement = spreadOverZones(c.data.instances.length, zones.length);
  const cachePlacement = spreadOverZones(config.dataCacheNodeCount, zones.length);
  // Member clusters are <group id>-001, -002, ... in creation order, which is the placement order.
  const memberIds = c.data.replicationGroup.memberClusters.apply((ids) => [...ids].sort());
  const receivingRegions = [...config.alarmReplicaRegions, ...(c.dynamoPrimary ? [c.dynamoPrimary.outputs.region] : [])];
  return {
    loadBalancer: {
      arnSuffix: c.cluster.albArnSuffix,
      targetGroupArnSuffix: c.cluster.targetGroupArnSuffix,
      zones: zones.map((zone) => ({ azId: zone.azId, azName: zone.publicSubnet.availabilityZone })),
    },
    // The Auto Scaling group (ec2) or the ECS service (fargate).
    fleet: { ...c.cluster.fleet, minSize: config.clusterMinSize },
    natGateways: zones.flatMap((zone) => (zone.natGateway ? [{ azId: zone.azId, id: zone.natGateway.id }] : [])),
    serviceTable: c.dynamo.access.tableName,
    table: {
      name: c.dynamo.access.tableName,
      indexNames: GLOBAL_SECONDARY_INDEXES.map((index) => index.name),
      maxima: capacityMaxima(config, c.dynamoPrimary),
      receivingRegions: [...new Set(receivingRegions)],
    },
    dax: { clusterName: c.dynamo.component.dax.cluster.clusterName },
    aurora: {
      clusterIdentifier: c.data.cluster.clusterIdentifier,
      instances: c.data.instances.map((instance, i) => ({
        azId: zones[instancePlacement[i]].azId,
        identifier: instance.identifier,
        memoryBytes: auroraInstanceMemoryBytes(config.dataDbInstanceClass),
      })),
      // A replica stack with the global database joins it as a secondary (stacks/primaryData.ts),
      // the only place AWS publishes the global database's RPO lag.
      globalSecondary: config.role === "replica" && config.dataGlobalDatabase,
    },
    cache: {
      members: cachePlacement.map((zoneIndex, i) => ({
        azId: zones[zoneIndex].azId,
        cacheClusterId: memberIds.apply((ids) => {
          const id = ids[i];
          if (id === undefined) {
            throw new Error(`the cache replication group reports ${ids.length} member clusters; ${config.dataCacheNodeCount} were configured`);
          }
          return id;
        }),
      })),
    },
    // Every region runs its own processor (enabled only in the write region): each is watched.
    streamProcessor: { functionName: c.dynamo.component.streamConsumer.functionName, queueName: c.dynamo.component.streamConsumer.dlqName },
  };
}

/** Alarms, notification path, instance refresh rule, composite alarm and dashboard of the stack. */
export function observabilityFor(config: StackConfig, components: WatchedComponents): Observability {
  return new Observability("trading", {
    namePrefix: `trading-${config.stack}`,
    targets: alarmTargets(config, components),
    thresholds: alarmThresholds(config),
    notifications: {
      emailAddresses: config.alarmEmailAddresses,
      httpsEndpoints: config.alarmHttpsEndpoints,
      subscriberAccountIds: config.alarmSubscriberAccountIds,
      existingTopicArn: config.alarmTopicArn,
    },
  });
}
