/**
 * What a mocha run reports at its end, and how it is printed: the slowest test files, then the
 * closing line in the plain form CI tools read, always last: "tests: N passed, N failed[, N skipped]".
 * The reporter (./summaryReporter.ts) prints it for one mocha run; the suite runner (./suite.ts)
 * merges the reports of its mocha runs and prints the same two parts once.
 */
import * as path from "node:path";

/** How many files the timing report lists. */
export const SLOWEST = 15;

export interface FileTiming {
  /** Seconds of the file's tests and hooks, as mocha timed them (loading the file is not counted). */
  ms: number;
  /** The tests' own share of {@link ms}; what is left is hooks. */
  testsMs: number;
  tests: number;
}

export interface RunReport {
  passes: number;
  failures: number;
  pending: number;
  /** By absolute file path. */
  files: Record<string, FileTiming>;
}

export function emptyReport(): RunReport {
  return { passes: 0, failures: 0, pending: 0, files: {} };
}

export function mergeReports(reports: RunReport[]): RunReport {
  const merged = emptyReport();
  for (const report of reports) {
    merged.passes += report.passes;
    merged.failures += report.failures;
    merged.pending += report.pending;
    Object.assign(merged.files, report.files);
  }
  return merged;
}

/** The slowest-files table and the closing line, as lines. */
export function summaryLines(report: RunReport, cwd: string = process.cwd()): string[] {
  const lines: string[] = [];
  const entries = Object.entries(report.files);
  const slowest = [...entries].sort(([, a], [, b]) => b.ms - a.ms).slice(0, SLOWEST);
  if (slowest.length > 0) {
    const total = entries.reduce((sum, [, t]) => sum + t.ms, 0);
    lines.push(`slowest files (of ${entries.length}, ${(total / 1000).toFixed(1)} s in files; seconds: file, tests' own, tests)`);
    for (const [file, t] of slowest) {
      lines.push(`${(t.ms / 1000).toFixed(1).padStart(7)}  ${(t.testsMs / 1000).toFixed(1).padStart(6)}  ${String(t.tests).padStart(4)}  ${path.relative(cwd, file)}`);
    }
  }
  const skipped = report.pending > 0 ? `, ${report.pending} skipped` : "";
  lines.push(`tests: ${report.passes} passed, ${report.failures} failed${skipped}`);
  return lines;
}
