/**
 * Mocha's spec reporter, then the 15 slowest test files (a file's seconds are its tests' and hooks'
 * durations as mocha timed them; loading the file and the shared servers' end-of-process stops are
 * not any file's), then one closing line in the plain form CI tools read, always last:
 * "tests: N passed, N failed[, N skipped]" (./suiteSummary.ts).
 *
 * Durations rather than the time between a file's suite events, because in parallel mode the main
 * process receives a file's events all at once when the worker has finished it (mocha's parallel-mode
 * docs: reporter output is buffered per file), while each test's and hook's duration is measured in
 * the worker.
 *
 * With the reporter option summaryFile (`--reporter-option summaryFile=PATH`, given by ./suite.ts,
 * which runs mocha more than once) the report is written to that file as JSON instead of printed,
 * and the suite runner prints the merged one. An option rather than an environment variable: mocha
 * processes that tests start themselves must print their own summary.
 */
import { writeFileSync } from "node:fs";
import Mocha from "mocha";
import { emptyReport, summaryLines, type FileTiming } from "./suiteSummary";

const { Spec } = Mocha.reporters;
const { EVENT_HOOK_END, EVENT_RUN_END, EVENT_TEST_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const report = emptyReport();
    const timing = (file: string): FileTiming => (report.files[file] ??= { ms: 0, testsMs: 0, tests: 0 });
    runner.on(EVENT_TEST_END, (test: Mocha.Test) => {
      if (test.file) {
        const t = timing(test.file);
        t.ms += test.duration ?? 0;
        t.testsMs += test.duration ?? 0;
        t.tests += 1;
      }
    });
    runner.on(EVENT_HOOK_END, (hook: Mocha.Hook) => {
      // Root-level hooks (no file) belong to no file.
      if (hook.file) timing(hook.file).ms += hook.duration ?? 0;
    });
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) {
        return;
      }
      report.passes = stats.passes;
      report.failures = stats.failures;
      report.pending = stats.pending;
      const target: unknown = options?.reporterOptions?.summaryFile;
      if (typeof target === "string" && target.length > 0) {
        writeFileSync(target, JSON.stringify(report));
        return;
      }
      for (const line of summaryLines(report)) console.log(line);
    });
  }
}

export = SummaryReporter;
