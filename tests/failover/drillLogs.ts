/**
 * What the drill reads from its trading-api processes' own request logs (one clock: every process
 * runs on this machine): the writes each admitted, whether writes of two regions overlap, and where
 * the writes moved from one region to the other.
 */
import type { DrillInstance } from "./drillFleet";

/** One admitted write from an instance's own log: [start, end] on the one clock. */
export interface AdmittedWrite {
  region: string;
  instance: string;
  start: number;
  end: number;
}

/**
 * Every admitted write from each instance's own request log: the service's one line per request
 * ("request completed": method, route, statusCode, durationMs, and pino's time when the answer
 * went out), a POST to an API route answered 200 or 201; it ran from time - durationMs to time.
 */
export function admittedWrites(instances: readonly DrillInstance[]): AdmittedWrite[] {
  const out: AdmittedWrite[] = [];
  for (const instance of instances) {
    for (const line of instance.process.jsonLines()) {
      if (line.msg !== "request completed" || line.method !== "POST" || !String(line.route).startsWith("/v1/")) continue;
      if (line.statusCode !== 200 && line.statusCode !== 201) continue;
      const end = Number(line.time);
      out.push({ region: instance.region, instance: instance.id, start: end - Number(line.durationMs), end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Pairs of admitted writes of different regions that overlap in time. */
export function overlaps(writes: readonly AdmittedWrite[], regions: readonly string[]): string[] {
  const found: string[] = [];
  const latestEnd: Record<string, AdmittedWrite | undefined> = {};
  for (const write of writes) {
    for (const region of regions) {
      const other = latestEnd[region];
      if (region !== write.region && other && other.end >= write.start) {
        found.push(`${other.instance} (${other.region}) ${other.start}-${other.end} and ${write.instance} (${write.region}) ${write.start}-${write.end}`);
      }
    }
    if (!latestEnd[write.region] || (latestEnd[write.region] as AdmittedWrite).end < write.end) latestEnd[write.region] = write;
  }
  return found;
}

/** The last admitted write of `from` and the first of `to` after `since`. */
export function handOver(writes: readonly AdmittedWrite[], from: string, to: string, since: number) {
  const firstTarget = writes.find((w) => w.region === to && w.start >= since);
  const lastOld = writes.filter((w) => w.region === from && w.start >= since - 60_000 && (!firstTarget || w.start < firstTarget.start)).at(-1);
  return { firstTarget, lastOld };
}
