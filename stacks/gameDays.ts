/**
 * The stack's game days (config key `gameDays`): AWS FIS experiment templates over this stack's own
 * fleet, subnets, Aurora cluster and cache, stopped by its trading-degraded composite alarm.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ComputePlatform } from "../components/cluster/config";
import type { TradingCluster } from "../components/cluster/tradingCluster";
import type { DataTier } from "../components/data/dataTier";
import type { FleetTargets } from "../components/gamedays/azLoss";
import { GameDays } from "../components/gamedays/gameDays";
import { GameDayScenario, STACK_TAG } from "../components/gamedays/plan";
import type { HaNetwork } from "../components/network/haNetwork";
import type { Observability } from "../components/observability/observability";
import type { StackConfig } from "./config";
import type { GameDayScenarioName, GameDaysOutputs, StackOutputValues } from "./outputs";

export interface RehearsedComponents {
  network: HaNetwork;
  cluster: TradingCluster<ComputePlatform>;
  data: DataTier;
  observability: Observability;
  /** Whether this stack's Aurora cluster holds the writer now (stacks/primaryData.ts): a global database's secondary does not. */
  holdsWriter: boolean;
}

function fleetOf(cluster: TradingCluster<ComputePlatform>): FleetTargets<pulumi.Input<string>> {
  const fleet = cluster.fleet;
  return fleet.platform === "ec2"
    ? { platform: "ec2", autoScalingGroupName: fleet.autoScalingGroupName }
    : { platform: "fargate", clusterName: fleet.ecsClusterName, serviceName: fleet.ecsServiceName };
}

/** The GameDays of a stack with `gameDays: true`; nothing otherwise. */
export function gameDaysFor(config: StackConfig, c: RehearsedComponents): GameDays | undefined {
  if (!config.gameDays) {
    return undefined;
  }
  // #region usage:GameDays
  const gameDays = new GameDays("trading", {
    namePrefix: `trading-${config.stack}`,
    zones: c.network.zones.map((zone) => ({
      azId: zone.azId,
      azName: zone.appSubnet.availabilityZone,
      subnetArns: [zone.appSubnet.arn, zone.dataSubnet.arn],
    })),
    vpcArn: c.network.vpc.arn,
    fleet: fleetOf(c.cluster),
    ...(c.holdsWriter ? { database: { clusterArn: c.data.dbClusterArn } } : {}),
    cache: {
      replicationGroupArn: c.data.replicationGroup.arn,
      nameTag: c.data.replicationGroup.tags.apply((tags) => {
        const name = tags?.Name;
        if (!name) {
          throw new Error("the cache replication group has no Name tag for the game day's target to select it by");
        }
        return name;
      }),
    },
    // The provider's default tags carry it (the config check of components/gamedays/config.ts).
    stackTag: { key: STACK_TAG, value: config.stack },
    stopConditionAlarmArns: [c.observability.degradedAlarmArn],
    tags: config.defaultTags,
  });
  // #endregion usage:GameDays
  return gameDays;
}

// The contract names the scenarios itself (it imports zod only); these fail to compile as soon as
// the component and the contract disagree on them.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameScenarios: Same<GameDayScenario, GameDayScenarioName> = true;
void sameScenarios;

/**
 * The contract's `gameDays` section (since 1.5.0) of a stack's GameDays. Built key by key from the
 * scenarios, which are known before any template exists, so a preview shows the section's shape.
 */
export function gameDaysOutputsOf(gameDays: GameDays): StackOutputValues<GameDaysOutputs> {
  const idOf = (scenario: GameDayScenario) =>
    gameDays.templateIds.apply((ids) => {
      const id = ids[scenario];
      if (id === undefined) {
        throw new Error(`GameDays has no ${scenario} template`);
      }
      return id;
    });
  return {
    templateIds: {
      "az-loss": idOf("az-loss"),
      ...(gameDays.scenarios.includes("aurora-failover") ? { "aurora-failover": idOf("aurora-failover") } : {}),
      "cache-az-power": idOf("cache-az-power"),
    },
    logGroupName: gameDays.logGroupName,
  };
}
