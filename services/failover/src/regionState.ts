/**
 * What the command knows of a region before it changes anything: its region-info parameter, flag,
 * stream consumer, DNS health check and what its instances answer, each read so that a region that
 * does not answer is recorded as unreachable rather than failing the command; and the line that
 * describes it.
 */
import { parseWriteRegionFlag } from "../../trading-api/src/contract";
import { isNoResponse, probeTargetOf, type FailoverCloud, type InstanceReport } from "./cloud";
import { errorText, type RegionState } from "./failoverModel";

/** Reads a region: what is unreachable is recorded, not thrown. */
export async function readRegion(cloud: FailoverCloud, region: string, probes: number): Promise<RegionState> {
  const state: RegionState = { region };
  try {
    state.info = await cloud.getRegionInfo(region);
    state.flag = parseWriteRegionFlag(await cloud.getFlag(region));
    state.mapping = await cloud.getMappingState(region, state.info.streamConsumer.mappingUuid);
  } catch (error) {
    if (!isNoResponse(error)) throw error;
    state.unreachable = errorText(error);
    return state;
  }
  if (state.info.dns) {
    try {
      state.healthCheck = await cloud.getHealthCheck(state.info.dns.healthCheckId);
    } catch (error) {
      if (!isNoResponse(error)) throw error;
    }
  }
  state.instances = [];
  for (let i = 0; i < probes; i++) {
    try {
      state.instances.push(await cloud.probeInstance(probeTargetOf(state.info)));
    } catch {
      break; // the API not answering is part of the picture, not a failure of the command
    }
  }
  return state;
}

export function describeRegion(state: RegionState, target: string): string {
  if (state.unreachable) return `${state.region}: UNREACHABLE (${state.unreachable})`;
  const modes = summariseModes(state.instances ?? []);
  const dns = state.info?.dns
    ? `, DNS ${state.info.dns.failoverRole}${state.healthCheck ? (state.healthCheck.inverted ? " (forced unhealthy)" : " (normal)") : " (health check unreadable)"}`
    : "";
  const claims = state.flag?.writeRegion === state.region ? " [names itself]" : "";
  const flag = state.flag ? `${state.flag.writeRegion} (epoch ${state.flag.epoch})` : "unreadable";
  return `${state.region}${state.region === target ? " (target)" : ""}: flag=${flag}${claims}, stream consumer ${state.mapping}${dns}, instances: ${modes || "no answer from the API"}`;
}

function summariseModes(reports: InstanceReport[]): string {
  const latest = new Map<string, string>();
  for (const r of reports) latest.set(r.instance, r.mode);
  const counts = new Map<string, number>();
  for (const mode of latest.values()) counts.set(mode, (counts.get(mode) ?? 0) + 1);
  return [...counts].map(([mode, n]) => `${n} ${mode}`).join(", ");
}

