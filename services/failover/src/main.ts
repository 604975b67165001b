/** Entry point of `npm run failover`: runCli reports what it can; runMain explains anything else, without a stack. */
import { runMain } from "../../cli/main";
import { runCli } from "./cli";

runMain(
  "failover",
  () =>
    runCli(process.argv.slice(2), {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    }),
  // The command's exit code 2 means "done, write mode not confirmed": a usage error is 1.
  { usageExitCode: 1 },
);
