// Entry point of `npm run plan`: see ./cli.ts. ./startup first: it sets up the process for the rest.
import "./startup";
import { EXIT, runCli } from "./cli";

// A resource that fails inside the mock cloud (e.g. a StackReference with no outputs) can leave a
// rejected SDK promise behind after its run has been reported; it must not crash the other stacks.
const late: unknown[] = [];
process.on("unhandledRejection", (reason) => {
  late.push(reason);
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    if (code === EXIT.ok && late.length > 0) {
      process.stderr.write(`plan: ${late.length} unexpected error(s) after the runs:\n${late.map(String).join("\n")}\n`);
      code = EXIT.error;
    }
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`plan: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT.error;
  },
);
