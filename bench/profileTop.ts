/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) by self time, and the
 * same time per request when the number of requests the process served is known. `npm run bench`
 * prints these for the service target when BENCH_CPU_PROF is set; `node --import tsx
 * bench/profileTop.ts <file> [requests] [frames]` prints them for any profile.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";

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

/** Self time per function (name, file and line), largest first. */
export function topFrames(file: string, count: number): { frames: Frame[]; totalUs: number } {
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
    self.set(name, (self.get(name) ?? 0) + us);
    totalUs += us;
  });
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, selfUs]) => ({ name, selfUs, share: selfUs / Math.max(1, totalUs) }));
  return { frames, totalUs };
}

export function formatTopFrames(file: string, requests: number, count = 25): string {
  const { frames, totalUs } = topFrames(file, count);
  const perRequest = (us: number) => (requests > 0 ? `${(us / requests).toFixed(2).padStart(7)} us/req` : "");
  const lines = [`profile ${relative(process.cwd(), file)}: ${(totalUs / 1e6).toFixed(1)} s sampled${requests > 0 ? `, ${requests} requests` : ""}; top ${count} frames by self time:`];
  for (const frame of frames) lines.push(`${(frame.share * 100).toFixed(1).padStart(5)}% ${perRequest(frame.selfUs)}  ${frame.name}`);
  return lines.join("\n");
}

if (require.main === module) {
  const [file, requests, count] = process.argv.slice(2);
  if (!file) throw new Error("usage: profileTop.ts <file.cpuprofile> [requests] [frames]");
  console.log(formatTopFrames(file, Number(requests ?? 0), Number(count ?? 25)));
}
