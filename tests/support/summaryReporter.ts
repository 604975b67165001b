/**
 * Mocha's spec reporter plus one closing line in the plain form CI tools read:
 * "tests: N passed, N failed[, N skipped]".
 */
import Mocha from "mocha";

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) {
        return;
      }
      const skipped = stats.pending > 0 ? `, ${stats.pending} skipped` : "";
      console.log(`tests: ${stats.passes} passed, ${stats.failures} failed${skipped}`);
    });
  }
}

export = SummaryReporter;
