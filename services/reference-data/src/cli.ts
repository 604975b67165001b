/**
 * `npm run refdata -- <command> [options]`: the operator's tool for reference data. Every change is
 * audited (who, when, before, after). See services/reference-data/README.md for the commands and for
 * reaching Aurora through an SSM port forward.
 *
 * Connection, one of:
 *   --database-url postgres://…  (or REFDATA_DATABASE_URL): a local or test database; --actor names you
 *   --endpoint <writer endpoint> --region <region> [--via 127.0.0.1:15432] [--database trading]:
 *     Aurora with an IAM token for role trading_refdata, TLS verified against the RDS CAs for the
 *     endpoint's name even through the tunnel; the actor is your AWS identity (sts:GetCallerIdentity).
 *     Without --region the SDK's region is used (AWS_REGION, the profile's).
 *     With a global database (prod) the endpoint is the global writer endpoint
 *     (`data.dbGlobalWriterEndpoint`, `<name>.global-<id>.global.rds.amazonaws.com`): Aurora points
 *     its DNS name at the writer of whichever region is primary, across switchovers and failovers
 *     (Amazon Aurora User Guide, "Connecting to Amazon Aurora Global Database"). The CLI follows that
 *     name to the writer's cluster endpoint, connects, signs and verifies TLS for that name in that
 *     region, and says which region it writes to; a read-only secondary is never written to.
 *
 * Every option is checked before anything connects, so a mistake is named without a database or
 * AWS credentials; failures are explained in a line or two (services/cli), never as a stack.
 */
import { parseArgs } from "node:util";
import { promises as dns } from "node:dns";
import { messageOf } from "../../cli/explain";
import { runMain } from "../../cli/main";
import { optionList, parseCliArgs, UsageError } from "../../cli/usage";
import { CONNECTION, OPTIONS, type OptionName, type Values } from "./cliOptions";
import { COMMANDS, type Command } from "./commands";
import { connection } from "./connection";
import { SCOPES } from "./entries";
import type { ResolveCname } from "./globalWriter";
import { ReferenceDataRepository } from "./repository";

export { collarBps } from "./cliOptions";
export { isGlobalWriterEndpoint, writerBehind, type ResolveCname } from "./globalWriter";

const USAGE = `usage: npm run refdata -- <command> [options]

commands:
  instruments add     --symbol S --tick-size N --lot-size N --currency CCY --reference-price N
  instruments update  --symbol S [--tick-size N] [--lot-size N] [--currency CCY] [--reference-price N]
  instruments halt    --symbol S
  instruments resume  --symbol S
  accounts add        --account A --name NAME --max-order-quantity N --max-order-notional N
                      --max-open-orders N --collar-pct P --orders-per-second N --burst N
  accounts suspend | activate | close  --account A
  limits set          --account A [--max-order-quantity N] [--max-order-notional N] [--max-open-orders N]
                      [--collar-pct P] [--orders-per-second N] [--burst N]
  clients add         --client C --name NAME --kind trading|execution_gateway --orders-per-second N --burst N
  clients disable | enable  --client C
  clients grant       --client C --account A --scopes ${SCOPES.join(",")}
  clients revoke      --client C --account A
  audit               [--limit N] [--table T] [--key K]

prices and sizes are integers in minor units (cents) and whole units; --collar-pct takes up to two
decimals (5 = 5 %, 0.25 = 25 basis points).

connection: --database-url URL --actor NAME   |   --endpoint HOST [--region R] [--via HOST:PORT] [--database DB]
  (AWS: credentials from AWS_PROFILE / aws configure / SSO; region from --region or AWS_REGION;
  prod: --endpoint <data.dbGlobalWriterEndpoint> writes to whichever region holds the writer, and says which)`;

/** The command the positionals name ("audit" is one word, the others two) and what is left over. */
function commandOf(positionals: string[]): { name: string; extra: string[] } {
  const words = positionals[0] === "audit" ? 1 : 2;
  return { name: positionals.slice(0, words).join(" "), extra: positionals.slice(words) };
}

/**
 * Reads the command line: the command and every option it was given, each mistake refused by name
 * (an unknown command or option, an option of another command, a missing or malformed value).
 */
function parseCommandLine(argv: string[]): { values: Values; positionals: string[]; command?: Command; name: string } {
  // A lenient pass first, so an unknown option can be named together with the command's own options.
  const lenient = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false });
  const { name, extra } = commandOf(lenient.positionals);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  const unknownCommand = () => new UsageError(`unknown command "${name}"; commands are ${Object.keys(COMMANDS).join(", ")}`);
  if (!command && name !== "" && !lenient.values.help) throw unknownCommand();
  const unknown = Object.keys(lenient.values).filter((key) => !Object.hasOwn(OPTIONS, key));
  if (unknown.length > 0) {
    const theirs = command
      ? `the options of "${name}" are ${optionList(command.options)} (and the connection options ${optionList(CONNECTION)})`
      : `the options are ${optionList(Object.keys(OPTIONS))}`;
    throw new UsageError(`unknown option ${optionList(unknown)}; ${theirs}`);
  }
  const { values, positionals } = parseCliArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help || positionals.length === 0) return { values, positionals, name };
  if (!command) throw unknownCommand();
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra.map((a) => JSON.stringify(a)).join(" ")} after "${name}" (a value with spaces needs quotes)`);
  const foreign = (Object.keys(values) as OptionName[]).filter((key) => !command.options.includes(key) && !CONNECTION.includes(key));
  if (foreign.length > 0) {
    throw new UsageError(`${optionList(foreign)} ${foreign.length > 1 ? "are not options" : "is not an option"} of "${name}"; its options are ${optionList(command.options)}`);
  }
  return { values, positionals, command, name };
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/** Runs one command; returns what to print. Exported for the tests. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, resolveCname: ResolveCname = dns.resolveCname): Promise<string> {
  const { values, command } = parseCommandLine(argv);
  if (!command) return USAGE;
  const change = command.prepare(values);
  const { pool, actor, where, writer } = await connection(values, env, resolveCname);
  try {
    const output = await change(new ReferenceDataRepository(pool, actor));
    return writer ? `${writer}\n${output}` : output;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (UNREACHABLE.has(String(code)) || (error instanceof AggregateError && /ECONNREFUSED/.test(messageOf(error)))) {
      throw new Error(`cannot reach the database at ${where}: ${messageOf(error)}${values.via ? " (is the SSM port forward running?)" : ""}`, { cause: error });
    }
    throw error;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runMain(
    "refdata",
    async () => {
      console.log(await runCli(process.argv.slice(2)));
      return 0;
    },
    { region: "pass --region <region> or set AWS_REGION", usageHint: "(npm run refdata -- --help shows the commands and their options)" },
  );
}
