/**
 * Mocha's spec reporter, then the 15 slowest test files (seconds from a file's first suite starting
 * to its last suite ending, hooks included; the shared servers' root hooks and the loading of the
 * files are not any file's), then one closing line in the plain form CI tools read, always last:
 * "tests: N passed, N failed[, N skipped]".
 */
import * as path from "node:path";
import Mocha from "mocha";

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END } = Mocha.Runner.constants;

/** How many files the timing report lists. */
const SLOWEST = 15;

interface FileTiming {
  /** Wall time of the file's top-level suites, ms. */
  ms: number;
  /** Sum of its tests' own durations, ms (what is left is hooks). */
  testsMs: number;
  tests: number;
}

class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const files = new Map<string, FileTiming>();
    const timing = (file: string): FileTiming => {
      let t = files.get(file);
      if (!t) {
        t = { ms: 0, testsMs: 0, tests: 0 };
        files.set(file, t);
      }
      return t;
    };
    const started = new Map<Mocha.Suite, number>();
    const topLevel = (suite: Mocha.Suite): boolean => Boolean(suite.file) && Boolean(suite.parent?.root);
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (topLevel(suite)) {
        started.set(suite, performance.now());
      }
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const begun = started.get(suite);
      if (begun !== undefined && suite.file) {
        timing(suite.file).ms += performance.now() - begun;
        started.delete(suite);
      }
    });
    runner.on(EVENT_TEST_END, (test: Mocha.Test) => {
      if (test.file) {
        const t = timing(test.file);
        t.testsMs += test.duration ?? 0;
        t.tests += 1;
      }
    });
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) {
        return;
      }
      const slowest = [...files.entries()].sort(([, a], [, b]) => b.ms - a.ms).slice(0, SLOWEST);
      if (slowest.length > 0) {
        const total = [...files.values()].reduce((sum, t) => sum + t.ms, 0);
        console.log(`slowest files (of ${files.size}, ${(total / 1000).toFixed(1)} s in files; seconds: file, tests' own, tests)`);
        for (const [file, t] of slowest) {
          const name = path.relative(process.cwd(), file);
          console.log(`${(t.ms / 1000).toFixed(1).padStart(7)}  ${(t.testsMs / 1000).toFixed(1).padStart(6)}  ${String(t.tests).padStart(4)}  ${name}`);
        }
      }
      const skipped = stats.pending > 0 ? `, ${stats.pending} skipped` : "";
      console.log(`tests: ${stats.passes} passed, ${stats.failures} failed${skipped}`);
    });
  }
}

export = SummaryReporter;
