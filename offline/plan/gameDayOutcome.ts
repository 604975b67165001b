/**
 * A game day's expected outcome, from the same model the plan's other HA sections and the policy
 * pack use: the AZ-loss model (policy/lib/resilience/azLoss.ts: the fullest AZ of a group holds
 * ceil(min / AZs), and its findings for the lost AZ), the recorded health checks and alarm windows,
 * the service's documented answers (services/trading-api: 503 with Retry-After, never 500), and the
 * AWS figures the plan already cites. What a rehearsal must show to pass is stated in the same numbers.
 */
import { ENVIRONMENT } from "../../services/trading-api/src/config";
import type { FisTarget } from "../../policy/lib/fis";
import { GraphResource, ResourceGraph, TYPES } from "../../policy/lib/graph";
import { cachePlacement, daxPlacement, dbClusterPlacements } from "../../policy/lib/placement";
import { AzLossConfig, azLossFindings } from "../../policy/lib/resilience/azLoss";
import { describeSeconds } from "../../policy/lib/resilience/fisDurations";
import { peekNumber, peekString } from "../../policy/lib/values";
import type { AlarmFacts } from "./gameDayAlarms";
import { fleetsHit } from "./gameDayFleet";

/**
 * Aurora's own figure for a failover to a replica: "service is typically restored in less than 60
 * seconds, and often less than 30 seconds" (Aurora User Guide, "High availability for Amazon Aurora",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html).
 */
export const AURORA_FAILOVER_SECONDS = 60;

/** Target group health check defaults when unset (Elastic Load Balancing, "Health checks for Application Load Balancer target groups"). */
const TG_DEFAULTS = { interval: 30, unhealthyThreshold: 2, healthyThreshold: 5 };

/** A resource's physical name or id when known, else its logical name. */
const nameOf = (resource: GraphResource, prop: string): string => {
  const value = peekString(resource.props, prop);
  return typeof value === "string" ? value : resource.name;
};

const seconds = (name: keyof typeof ENVIRONMENT) => Number(ENVIRONMENT[name].default) / (name.endsWith("_MS") ? 1000 : 1);

export interface ExpectedAlarm {
  name: string;
  /** Seconds from the fault's start until it should be in ALARM. */
  afterSeconds: number;
  why: string;
  composites: string[];
}

export interface GameDayOutcome {
  /** The AZ (ID) the template takes out, when it takes one out. */
  lostAz?: string;
  /** What the fault leaves of each tier it reaches (capacity, writer, nodes). */
  effects: string[];
  /** The AZ-loss survivability findings for the lost AZ (the policy rule's messages); empty when every tier survives. */
  modelFindings: string[];
  alarms: ExpectedAlarm[];
  /** When a stop condition alarm is expected to fire before the actions end: FIS stops the experiment then. */
  stop?: { alarm: string; afterSeconds: number };
  service: string[];
  /** Longest expected time from the fault's start until the platform is back as before. */
  recoverySeconds: number;
  recovery: string;
  passed: string[];
}

export interface OutcomeInput {
  graph: ResourceGraph;
  resources: readonly GraphResource[];
  targets: FisTarget[];
  /** Resources the template's targets were computed from (what names them while ARNs are unknown, in a preview). */
  targetDeps: readonly GraphResource[];
  actionIds: string[];
  /** Seconds until the template's last action ends. */
  lengthSeconds: number;
  alarms: AlarmFacts[];
  /** Names of the alarms the template's stop conditions name. */
  stopAlarms: string[];
  azLoss: AzLossConfig;
}

/** The subnets a template's targets name by ARN, or in a preview the subnets its targets were computed from. */
function subnetsOf(graph: ResourceGraph, targets: readonly FisTarget[], targetDeps: readonly GraphResource[]): GraphResource[] {
  const named = targets
    .filter((t) => t.resourceType === "aws:ec2:subnet")
    .flatMap((t) => t.arns.values)
    .flatMap((arn) => graph.ofType(TYPES.subnet).filter((s) => peekString(s.props, "arn") === arn));
  return named.length > 0 ? named : targetDeps.filter((d) => d.type === TYPES.subnet);
}

/**
 * The AZ (ID) a template's targets narrow to: an AZ filter, an availabilityZoneIdentifier parameter,
 * or the AZ of every subnet it names (by ARN, or in a preview the subnets its targets were computed from).
 */
export function lostAzOf(graph: ResourceGraph, targets: readonly FisTarget[], targetDeps: readonly GraphResource[] = []): string | undefined {
  for (const target of targets) {
    const filter = target.filters.find((f) => f.path === "Placement.AvailabilityZone" || f.path === "AvailabilityZone");
    const named = filter?.values[0] ?? peekString(target.parameters, "availabilityZoneIdentifier");
    if (typeof named === "string") {
      return graph.azKey(/^[a-z]{2,4}[0-9]+-az[0-9]+$/.test(named) ? { id: named } : { name: named });
    }
  }
  const subnets = subnetsOf(graph, targets, targetDeps);
  const subnetAzs = new Set(subnets.map((s) => graph.azKey(graph.subnetAz(s))));
  return subnetAzs.size === 1 ? [...subnetAzs][0] : undefined;
}

/**
 * The alarm's AvailabilityZone dimension (an AZ name) as an AZ ID; in a preview, where the name is
 * unknown, the AZ of the subnets its dimensions were computed from.
 */
function alarmAz(graph: ResourceGraph, alarm: AlarmFacts): string | undefined {
  if (alarm.dimensions.AvailabilityZone) return graph.azKey({ name: alarm.dimensions.AvailabilityZone });
  if (!alarm.unknownDimensions.includes("AvailabilityZone")) return undefined;
  const azs = new Set(alarm.dimensionDeps.filter((d) => d.type === TYPES.subnet).map((s) => graph.azKey(graph.subnetAz(s))));
  return azs.size === 1 ? [...azs][0] : undefined;
}

/** Whether the alarm's `dimension` names the fleet (or, unknown in a preview, was computed from it). */
const watches = (alarm: AlarmFacts, fleet: GraphResource, dimension: string, name: string) =>
  alarm.dimensions[dimension] === name || (alarm.unknownDimensions.includes(dimension) && alarm.dimensionDeps.includes(fleet));

function stopOf(alarms: ExpectedAlarm[], stopAlarms: readonly string[], lengthSeconds: number): { alarm: string; afterSeconds: number } | undefined {
  const firing = alarms
    .flatMap((a) => [...(stopAlarms.includes(a.name) ? [{ alarm: a.name, afterSeconds: a.afterSeconds }] : []), ...a.composites.filter((c) => stopAlarms.includes(c)).map((c) => ({ alarm: c, afterSeconds: a.afterSeconds }))])
    .sort((a, b) => a.afterSeconds - b.afterSeconds)[0];
  return firing && firing.afterSeconds < lengthSeconds ? firing : undefined;
}

const SERVICE_ANSWERS =
  `the service answers writes it cannot complete with 503 and Retry-After: ${ENVIRONMENT.RETRY_AFTER_SECONDS.default} s (store busy or unavailable, ` +
  `or past its ${seconds("REQUEST_DEADLINE_MS")} s request deadline), never 500; an order is acknowledged only once its DynamoDB transaction has committed, so no acknowledged order is lost`;

/**
 * What the AZ loss does to the data tier, from the models the aurora-failover and cache-az-power
 * templates use: the cache's nodes in the AZ powered off (its primary there: a replica promoted), the
 * writer failed over when it is there, and DAX's node there lost (no FIS action: the subnet's
 * disruption cuts it off, and the DAX client sends its requests to the cluster's other nodes).
 */
function dataTierOutcome(input: OutcomeInput, az: string, faultEnd: number): Pick<GameDayOutcome, "effects" | "service" | "passed"> {
  const ids = new Set(input.actionIds);
  const effects: string[] = [];
  const service: string[] = [];
  const passed: string[] = [];
  const cacheAction = [...ids].some((id) => id.startsWith("aws:elasticache:"));
  if (!cacheAction && ids.has("aws:network:disrupt-connectivity")) {
    // A cut subnet fails nothing over: ElastiCache sees the primary healthy, only the other AZs cannot reach it.
    const cut = subnetsOf(input.graph, input.targets, input.targetDeps);
    for (const group of input.graph.ofType(TYPES.cacheReplicationGroup)) {
      const subnetGroups = input.graph.refs(group, "subnetGroupName", [TYPES.cacheSubnetGroup], ["name", "id"]).resources;
      const inCut = subnetGroups.some((sg) => input.graph.refs(sg, "subnetIds", [TYPES.subnet]).resources.some((subnet) => cut.includes(subnet)));
      if (cachePlacement(input.graph, group).nodes[0] !== az || !inCut) continue;
      effects.push(`replication group ${nameOf(group, "replicationGroupId")}: its primary is in ${az}'s cut-off subnet and is not failed over (the node is healthy, only unreachable; the template has no ElastiCache action)`);
      service.push(
        `Cache commands from the other AZs time out after ${ENVIRONMENT.CACHE_COMMAND_TIMEOUT_MS.default} ms (CACHE_COMMAND_TIMEOUT_MS) and fail closed: new orders get 503 with Retry-After for the whole ${describeSeconds(faultEnd)} of the disruption; cancels are never blocked.`,
      );
      passed.push("new orders refused with 503 and Retry-After, never a 500, until the disruption ended");
    }
  }
  if (cacheAction) {
    const cache = cacheOutcome({ ...input, lengthSeconds: faultEnd }, az);
    effects.push(...cache.effects);
    service.push(`While the cache's primary moves, cache commands past ${ENVIRONMENT.CACHE_COMMAND_TIMEOUT_MS.default} ms (CACHE_COMMAND_TIMEOUT_MS) fail closed: new orders get 503 with Retry-After; cancels are never blocked.`);
    passed.push(...cache.passed);
  }
  if (ids.has("aws:rds:failover-db-cluster")) {
    const failover = failoverOutcome(input);
    const writerHere = failover.clusters.filter((c) => c.instances[0]?.az === az);
    effects.push(
      ...writerHere.map(
        (c) =>
          `Aurora cluster ${nameOf(c.cluster, "clusterIdentifier")}: its writer is in ${az}, so one of its ${c.instances.length - 1} reader(s) becomes the writer; Aurora gives "typically less than ${AURORA_FAILOVER_SECONDS} seconds"`,
      ),
    );
    if (writerHere.length > 0) {
      service.push(`Reference-data writes (npm run refdata) fail until the new writer answers, within about ${AURORA_FAILOVER_SECONDS} s; orders keep using the reference data they have for up to ${seconds("REFDATA_MAX_STALENESS_SECONDS")} s (REFDATA_MAX_STALENESS_SECONDS).`);
      passed.push(`the refdata CLI writes again within ${AURORA_FAILOVER_SECONDS} s`);
    }
  }
  for (const dax of input.graph.ofType(TYPES.daxCluster)) {
    const { nodes } = daxPlacement(input.graph, dax);
    const down = nodes.filter((n) => n === az).length;
    if (down > 0) effects.push(`DAX cluster ${nameOf(dax, "clusterName")} keeps ${nodes.length - down} of ${nodes.length} nodes; the client uses the other nodes (DAX has no FIS action; the data subnet's disruption cuts its node in ${az} off)`);
  }
  return { effects, service, passed };
}

/** The AZ loss of the fleet and its network path: instances (or tasks) stopped, subnets cut. */
function zoneOutcome(input: OutcomeInput, az: string): GameDayOutcome {
  const { graph } = input;
  const effects: string[] = [];
  const kept: string[] = [];
  const alarms: ExpectedAlarm[] = [];
  let detect = TG_DEFAULTS.interval * TG_DEFAULTS.unhealthyThreshold;
  let back = 0;
  for (const fleet of fleetsHit(graph, input.targets, input.targetDeps, az)) {
    const check = (key: keyof typeof TG_DEFAULTS) => {
      const value = fleet.targetGroup ? peekNumber(fleet.targetGroup.props, "healthCheck", key) : undefined;
      return typeof value === "number" ? value : TG_DEFAULTS[key];
    };
    detect = check("interval") * check("unhealthyThreshold");
    back = Math.max(back, fleet.graceSeconds + check("interval") * check("healthyThreshold"));
    const { min, azCount } = fleet;
    if (min === undefined || min <= 0 || azCount === 0) continue;
    // The AZ-loss model's arithmetic (azLoss.ts): the fullest AZ holds ceil(min / AZs).
    const lost = Math.ceil(min / azCount);
    const left = min - lost;
    kept.push(`${fleet.name} kept at least ${left} ${fleet.members} in service`);
    effects.push(
      `${fleet.label} ${fleet.name} keeps ${left} of its minimum ${min} ${fleet.members} in the other ${azCount - 1} AZ(s) (loses ${Math.round((lost / min) * 100)} %; ` +
        `az-loss-survivability allows ${Math.round(input.azLoss.maxCapacityLossShare * 100)} %); the load balancer stops routing to ${az} within ${detect} s ` +
        `(health check every ${check("interval")} s, ${check("unhealthyThreshold")} failures)`,
    );
    for (const alarm of input.alarms) {
      if (alarm.metricName === fleet.countMetric && watches(alarm, fleet.resource, fleet.dimension, fleet.name) && alarm.comparison?.startsWith("LessThan") && (alarm.threshold ?? 0) > left) {
        alarms.push({ name: alarm.name, afterSeconds: alarm.breachSeconds, why: `${left} in service < ${alarm.threshold}`, composites: alarm.composites });
      }
    }
  }
  for (const alarm of input.alarms) {
    if (alarm.metricName === "HealthyHostCount" && alarmAz(graph, alarm) === az) {
      alarms.push({ name: alarm.name, afterSeconds: detect + alarm.breachSeconds, why: `no healthy target in ${az}`, composites: alarm.composites });
    }
  }
  alarms.sort((a, b) => a.afterSeconds - b.afterSeconds || a.name.localeCompare(b.name));
  const stop = stopOf(alarms, input.stopAlarms, input.lengthSeconds);
  const faultEnd = stop?.afterSeconds ?? input.lengthSeconds;
  const modelFindings = azLossFindings(input.resources, input.azLoss).filter((f) => f.az === az).map((f) => f.message);
  const elb5xx = input.alarms.find((a) => a.metricName === "HTTPCode_ELB_5XX_Count");
  const data = dataTierOutcome(input, az, faultEnd);
  return {
    lostAz: az,
    effects: [...effects, ...data.effects],
    modelFindings,
    alarms,
    ...(stop ? { stop } : {}),
    service: [
      `Requests the load balancer sends to ${az}'s targets before it marks them unhealthy (up to ${detect} s) can fail at the load balancer (502/504, HTTPCode_ELB_5XX_Count${elb5xx ? `; ${elb5xx.name} needs ${describeSeconds(elb5xx.breachSeconds)} above its threshold` : ""}).`,
      ...data.service,
      `Everywhere else ${SERVICE_ANSWERS}.`,
    ],
    recoverySeconds: faultEnd + back,
    recovery:
      `Back to the minimum in every AZ at most ${describeSeconds(faultEnd + back)} after the start: the fault ends after ${describeSeconds(faultEnd)}${stop ? ` (the stop condition ${stop.alarm})` : ""}, ` +
      `then each instance passes the group's health check grace period and the target group's healthy threshold (${describeSeconds(back)}).`,
    passed: [
      ...kept,
      `the targets' 5xx are the service's 503s with Retry-After, never a 500; load balancer 5xx only in the first ${detect} s`,
      ...data.passed,
      `every AZ healthy again within ${describeSeconds(faultEnd + back)} of the start; no acknowledged order missing afterwards`,
    ],
  };
}

/** Aurora's writer failed over to a reader (aws:rds:failover-db-cluster): the outcome and the clusters it targets. */
function failoverOutcome(input: OutcomeInput): { outcome: GameDayOutcome; clusters: ReturnType<typeof dbClusterPlacements> } {
  const arns = input.targets.filter((t) => t.resourceType === "aws:rds:cluster").flatMap((t) => t.arns.values);
  const clusters = dbClusterPlacements(input.graph).filter((c) => arns.includes(peekString(c.cluster.props, "arn") as string) || (arns.length === 0 && input.targetDeps.includes(c.cluster)));
  const effects = clusters.map((c) => {
    const azs = [...new Set(c.instances.flatMap((i) => (i.az ? [i.az] : [])))].sort();
    return `Aurora cluster ${nameOf(c.cluster, "clusterIdentifier")}: one of its ${c.instances.length - 1} reader(s) becomes the writer (instances in ${azs.join(", ")}); Aurora gives "typically less than ${AURORA_FAILOVER_SECONDS} seconds"`;
  });
  const staleness = seconds("REFDATA_MAX_STALENESS_SECONDS");
  const outcome: GameDayOutcome = {
    effects,
    modelFindings: [],
    alarms: [],
    service: [
      `Orders go on: the order path never waits on Aurora; reference data is served from the cache, used unconfirmed for up to ${staleness} s (REFDATA_MAX_STALENESS_SECONDS), longer than the failover, after which new orders would get 503 with Retry-After.`,
      "Reference-data writes (npm run refdata) fail until the new writer answers; no critical alarm watches the writer, so trading degraded stays OK.",
    ],
    recoverySeconds: AURORA_FAILOVER_SECONDS,
    recovery: `The new writer answers within about ${AURORA_FAILOVER_SECONDS} s (Aurora User Guide, High availability for Amazon Aurora).`,
    passed: [`no order rejected with 503 (the cache's copy outlived the failover); trading degraded stayed OK; the refdata CLI writes again within ${AURORA_FAILOVER_SECONDS} s`],
  };
  return { outcome, clusters };
}

/** The cache's nodes in one AZ powered off (aws:elasticache:replicationgroup-interrupt-az-power). */
function cacheOutcome(input: OutcomeInput, az: string | undefined): GameDayOutcome {
  const arns = input.targets.filter((t) => t.resourceType === "aws:elasticache:replicationgroup").flatMap((t) => t.arns.values);
  const names = input.targets.flatMap((t) => t.tags.filter((tag) => tag.key === "Name").map((tag) => tag.value));
  const groups = input.graph
    .ofType(TYPES.cacheReplicationGroup)
    .filter((g) => arns.includes(peekString(g.props, "arn") as string) || names.includes(peekString(g.props, "tags", "Name") as string) || input.targetDeps.includes(g));
  const effects = groups.map((g) => {
    const placement = cachePlacement(input.graph, g);
    const down = placement.nodes.filter((n) => n === az).length;
    const primaryDown = placement.nodes[0] === az;
    return (
      `replication group ${nameOf(g, "replicationGroupId")} keeps ${placement.nodes.length - down} of ${placement.nodes.length} nodes` +
      (primaryDown ? `; its primary is in ${az}, so the replica with the least replication lag is promoted` : "; its primary is elsewhere and stays") +
      ` (FIS actions reference); replacements in ${az} wait for the action to end`
    );
  });
  return {
    ...(az ? { lostAz: az } : {}),
    effects,
    modelFindings: az ? azLossFindings(input.resources, input.azLoss).filter((f) => f.az === az && f.resource.type === TYPES.cacheReplicationGroup).map((f) => f.message) : [],
    alarms: [],
    service: [
      `While the primary moves, cache commands past ${ENVIRONMENT.CACHE_COMMAND_TIMEOUT_MS.default} ms (CACHE_COMMAND_TIMEOUT_MS) fail closed: new orders get 503 with Retry-After; cancels are never blocked; ${SERVICE_ANSWERS}.`,
    ],
    recoverySeconds: input.lengthSeconds,
    recovery: `All nodes back after the action's ${describeSeconds(input.lengthSeconds)}; writes resume on the promoted primary as soon as the promotion completes.`,
    passed: [`orders accepted again once the promotion completed; 503s with Retry-After only meanwhile, no 500; the group back to ${groups.length > 0 ? cachePlacement(input.graph, groups[0]).nodes.length : "all its"} nodes after ${describeSeconds(input.lengthSeconds)}`],
  };
}

/** The expected outcome of a template, by what its actions do. */
export function expectedOutcome(input: OutcomeInput): GameDayOutcome {
  const az = lostAzOf(input.graph, input.targets, input.targetDeps);
  const ids = new Set(input.actionIds);
  if (az && ["aws:ec2:stop-instances", "aws:ecs:stop-task", "aws:network:disrupt-connectivity"].some((id) => ids.has(id))) {
    return zoneOutcome(input, az);
  }
  if (ids.has("aws:rds:failover-db-cluster")) {
    return failoverOutcome(input).outcome;
  }
  if ([...ids].some((id) => id.startsWith("aws:elasticache:"))) {
    return cacheOutcome(input, az);
  }
  return {
    ...(az ? { lostAz: az } : {}),
    effects: [],
    modelFindings: [],
    alarms: [],
    service: [SERVICE_ANSWERS],
    recoverySeconds: input.lengthSeconds,
    recovery: `The fault ends with the actions, after ${describeSeconds(input.lengthSeconds)}; the plan has no model of this scenario beyond that.`,
    passed: [],
  };
}
