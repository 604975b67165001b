/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) by self time, and the
 * same time per request when the number of requests the process served is known. `npm run bench`
 * prints these for every target when BENCH_CPU_PROF is set; `node --import tsx
 * bench/profileTop.ts <file> [requests] [frames]` prints them for any profile, and `--diff <a>
 * <requests> <b> <requests>` what a's requests spend beyond b's, frame by frame.
 */
import { readFileSync } from "node:fs";
import { basename, relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  name: string;
  selfUs: number;
  share: number;
}

/** Not CPU the process spent: left out of the shares and the total. */
const IDLE = "(idle)";

/** Self time per function (name, file and line), largest first; `totalUs` is the busy time sampled. */
export function topFrames(file: string, count: number): { frames: Frame[]; totalUs: number } {
  const { self, totalUs } = selfTimes(file);
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, selfUs]) => ({ name, selfUs, share: selfUs / Math.max(1, totalUs) }));
  return { frames, totalUs };
}

function selfTimes(file: string): { self: Map<string, number>; totalUs: number } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nameOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ""))}:${lineNumber + 1}` : "";
    nameOf.set(node.id, `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`);
  }
  const self = new Map<string, number>();
  let totalUs = 0;
  // timeDeltas[i] is the time from sample i-1 to sample i, spent in the frame sampled at i.
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const name = nameOf.get(id) ?? "?";
    if (name === IDLE) return;
    self.set(name, (self.get(name) ?? 0) + us);
    totalUs += us;
  });
  return { self, totalUs };
}

/**
 * What one profile spends per request beyond another, frame by frame (`a` per its requests minus
 * `b` per its requests), largest first: the service's profile against a plain route's shows where
 * the service's extra time goes.
 */
export function formatFrameDifference(a: { file: string; requests: number }, b: { file: string; requests: number }, count = 25): string {
  const x = selfTimes(a.file);
  const y = selfTimes(b.file);
  const names = new Set([...x.self.keys(), ...y.self.keys()]);
  const diff = [...names].map((name) => [name, (x.self.get(name) ?? 0) / a.requests - (y.self.get(name) ?? 0) / b.requests] as const).sort((p, q) => q[1] - p[1]);
  const total = x.totalUs / a.requests - y.totalUs / b.requests;
  const lines = [`${basename(a.file)} over ${basename(b.file)}: ${total.toFixed(1)} us busy per request more; the ${count} frames that add most:`];
  for (const [name, us] of diff.slice(0, count)) lines.push(`${us.toFixed(2).padStart(7)} us/req  ${name}`);
  return lines.join("\n");
}

export function formatTopFrames(file: string, requests: number, count = 25): string {
  const { frames, totalUs } = topFrames(file, count);
  const perRequest = (us: number) => (requests > 0 ? `${(us / requests).toFixed(2).padStart(7)} us/req` : "");
  const busy = requests > 0 ? `, ${requests} requests, ${(totalUs / requests).toFixed(1)} us busy per request` : "";
  const lines = [`profile ${basename(file)}: ${(totalUs / 1e6).toFixed(1)} s busy sampled${busy}; top ${count} frames by self time (share of busy time):`];
  for (const frame of frames) lines.push(`${(frame.share * 100).toFixed(1).padStart(5)}% ${perRequest(frame.selfUs)}  ${frame.name}`);
  return lines.join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "--diff" && args.length >= 5) {
    console.log(formatFrameDifference({ file: args[1], requests: Number(args[2]) }, { file: args[3], requests: Number(args[4]) }, Number(args[5] ?? 25)));
  } else if (args[0] && args[0] !== "--diff") {
    console.log(formatTopFrames(args[0], Number(args[1] ?? 0), Number(args[2] ?? 25)));
  } else {
    throw new Error("usage: profileTop.ts <file.cpuprofile> [requests] [frames] | --diff <a.cpuprofile> <requests> <b.cpuprofile> <requests> [frames]");
  }
}
