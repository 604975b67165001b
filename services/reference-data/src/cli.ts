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
import { userInfo } from "node:os";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Pool, type PoolConfig } from "pg";
import { nameAwsCalls } from "../../cli/awsCalls";
import { messageOf } from "../../cli/explain";
import { runMain } from "../../cli/main";
import { optionList, parseCliArgs, UsageError } from "../../cli/usage";
import { REFDATA_DB_ROLE } from "../contract";
import { SCOPES, type Scope } from "./entries";
import { rdsTokenProvider } from "./iamAuth";
import { rdsTlsOptions } from "./rdsTls";
import { ReferenceDataRepository, type LimitsInput } from "./repository";

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

const OPTIONS = {
  "database-url": { type: "string" },
  actor: { type: "string" },
  endpoint: { type: "string" },
  region: { type: "string" },
  via: { type: "string" },
  database: { type: "string" },
  port: { type: "string" },
  symbol: { type: "string" },
  "tick-size": { type: "string" },
  "lot-size": { type: "string" },
  currency: { type: "string" },
  "reference-price": { type: "string" },
  account: { type: "string" },
  name: { type: "string" },
  "max-order-quantity": { type: "string" },
  "max-order-notional": { type: "string" },
  "max-open-orders": { type: "string" },
  "collar-pct": { type: "string" },
  "orders-per-second": { type: "string" },
  burst: { type: "string" },
  client: { type: "string" },
  kind: { type: "string" },
  scopes: { type: "string" },
  limit: { type: "string" },
  table: { type: "string" },
  key: { type: "string" },
  help: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];
type OptionName = keyof typeof OPTIONS;

/** Options every command takes: how to reach the database, and --help. */
const CONNECTION: readonly OptionName[] = ["database-url", "actor", "endpoint", "region", "via", "database", "port", "help"];
const LIMITS: readonly OptionName[] = ["max-order-quantity", "max-order-notional", "max-open-orders", "collar-pct", "orders-per-second", "burst"];
const INSTRUMENT: readonly OptionName[] = ["symbol", "tick-size", "lot-size", "currency", "reference-price"];

function need(values: Values, name: OptionName): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

function integer(values: Values, name: OptionName, required: true): number;
function integer(values: Values, name: OptionName, required: false): number | undefined;
function integer(values: Values, name: OptionName, required: boolean): number | undefined {
  const raw = values[name];
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`--${name} must be a whole number, got ${String(raw)}`);
  }
  return Number(raw);
}

function decimalString(values: Values, name: OptionName, required: boolean): string | undefined {
  const raw = values[name];
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof raw !== "string" || !/^[1-9]\d{0,37}$/.test(raw)) throw new UsageError(`--${name} must be a positive whole number`);
  return raw;
}

/** "5" -> 500 bps, "0.25" -> 25 bps; more than two decimals is refused rather than rounded. */
export function collarBps(raw: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(raw);
  if (!match) throw new UsageError(`--collar-pct must be a percentage with at most two decimals, got ${raw}`);
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

function limitsFrom(values: Values, required: boolean): Partial<LimitsInput> {
  const collar = values["collar-pct"];
  if (required && collar === undefined) throw new UsageError("--collar-pct is required");
  return {
    maxOrderQuantity: required ? integer(values, "max-order-quantity", true) : integer(values, "max-order-quantity", false),
    maxOrderNotional: decimalString(values, "max-order-notional", required),
    maxOpenOrders: required ? integer(values, "max-open-orders", true) : integer(values, "max-open-orders", false),
    priceCollarBps: typeof collar === "string" ? collarBps(collar) : undefined,
    ordersPerSecond: required ? integer(values, "orders-per-second", true) : integer(values, "orders-per-second", false),
    burst: required ? integer(values, "burst", true) : integer(values, "burst", false),
  };
}

function scopesFrom(values: Values): Scope[] {
  const scopes = need(values, "scopes").split(",").map((s) => s.trim());
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UsageError(`--scopes: unknown scope ${unknown.map((s) => JSON.stringify(s)).join(", ")}; the scopes are ${SCOPES.join(", ")}`);
  return scopes as Scope[];
}

/**
 * A command: the options it takes (beside CONNECTION), and `prepare`, which checks every option
 * before anything connects (so a mistake is named without a database or AWS credentials) and
 * returns the change to make.
 */
interface Command {
  options: readonly OptionName[];
  prepare(values: Values): (repo: ReferenceDataRepository) => Promise<string>;
}

const COMMANDS: Record<string, Command> = {
  "instruments add": {
    options: INSTRUMENT,
    prepare(values) {
      const instrument = {
        symbol: need(values, "symbol"),
        tickSize: integer(values, "tick-size", true),
        lotSize: integer(values, "lot-size", true),
        currency: need(values, "currency"),
        referencePrice: integer(values, "reference-price", true),
      };
      return async (repo) => {
        await repo.addInstrument(instrument);
        return `instrument ${instrument.symbol} added (trading)`;
      };
    },
  },
  "instruments update": {
    options: INSTRUMENT,
    prepare(values) {
      const symbol = need(values, "symbol");
      const changes = {
        tickSize: integer(values, "tick-size", false),
        lotSize: integer(values, "lot-size", false),
        currency: values.currency,
        referencePrice: integer(values, "reference-price", false),
      };
      return async (repo) => {
        await repo.updateInstrument(symbol, changes);
        return `instrument ${symbol} updated`;
      };
    },
  },
  ...Object.fromEntries(
    (["halt", "resume"] as const).map((action) => [
      `instruments ${action}`,
      {
        options: ["symbol"],
        prepare(values) {
          const symbol = need(values, "symbol");
          const status = action === "halt" ? "halted" : "trading";
          return async (repo) => {
            await repo.setInstrumentStatus(symbol, status);
            return `instrument ${symbol} ${status}`;
          };
        },
      } satisfies Command,
    ]),
  ),
  "accounts add": {
    options: ["account", "name", ...LIMITS],
    prepare(values) {
      const account = need(values, "account");
      const name = need(values, "name");
      const limits = limitsFrom(values, true) as LimitsInput;
      return async (repo) => {
        await repo.addAccount(account, name, limits);
        return `account ${account} added (active)`;
      };
    },
  },
  ...Object.fromEntries(
    ([["suspend", "suspended"], ["activate", "active"], ["close", "closed"]] as const).map(([action, status]) => [
      `accounts ${action}`,
      {
        options: ["account"],
        prepare(values) {
          const account = need(values, "account");
          return async (repo) => {
            await repo.setAccountStatus(account, status);
            return `account ${account} ${status}`;
          };
        },
      } satisfies Command,
    ]),
  ),
  "limits set": {
    options: ["account", ...LIMITS],
    prepare(values) {
      const account = need(values, "account");
      const limits = limitsFrom(values, false);
      return async (repo) => {
        await repo.setLimits(account, limits);
        return `limits of ${account} set`;
      };
    },
  },
  "clients add": {
    options: ["client", "name", "kind", "orders-per-second", "burst"],
    prepare(values) {
      const kind = need(values, "kind");
      if (kind !== "trading" && kind !== "execution_gateway") throw new UsageError(`--kind must be trading or execution_gateway, got ${kind}`);
      const client = {
        clientId: need(values, "client"),
        name: need(values, "name"),
        kind,
        ordersPerSecond: integer(values, "orders-per-second", true),
        burst: integer(values, "burst", true),
      } as const;
      return async (repo) => {
        await repo.addClient(client);
        return `client ${client.clientId} added (active)`;
      };
    },
  },
  ...Object.fromEntries(
    ([["disable", "disabled"], ["enable", "active"]] as const).map(([action, status]) => [
      `clients ${action}`,
      {
        options: ["client"],
        prepare(values) {
          const client = need(values, "client");
          return async (repo) => {
            await repo.setClientStatus(client, status);
            return `client ${client} ${status}`;
          };
        },
      } satisfies Command,
    ]),
  ),
  "clients grant": {
    options: ["client", "account", "scopes"],
    prepare(values) {
      const client = need(values, "client");
      const account = need(values, "account");
      const scopes = scopesFrom(values);
      return async (repo) => {
        await repo.grant(client, account, scopes);
        return `client ${client} may act for ${account} with ${scopes.join(", ")}`;
      };
    },
  },
  "clients revoke": {
    options: ["client", "account"],
    prepare(values) {
      const client = need(values, "client");
      const account = need(values, "account");
      return async (repo) => {
        await repo.revoke(client, account);
        return `client ${client} no longer acts for ${account}`;
      };
    },
  },
  audit: {
    options: ["limit", "table", "key"],
    prepare(values) {
      const query = {
        limit: integer(values, "limit", false),
        ...(values.table ? { table: values.table } : {}),
        ...(values.key ? { entityKey: values.key } : {}),
      };
      return async (repo) =>
        (await repo.audit(query))
          .map((r) => JSON.stringify({ at: r.at.toISOString(), actor: r.actor, dbUser: r.dbUser, table: r.table, operation: r.operation, key: r.entityKey, before: r.before, after: r.after }))
          .join("\n");
    },
  },
};

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

/** A DNS CNAME lookup (node:dns's resolveCname), injectable for tests. */
export type ResolveCname = (name: string) => Promise<string[]>;

const GLOBAL_WRITER_ENDPOINT = /\.global-[a-z0-9]+\.global\.rds\.amazonaws\.com(\.cn)?$/;
const CLUSTER_ENDPOINT = /^[a-z][a-z0-9-]*\.cluster-[a-z0-9]+\.([a-z]{2}(-[a-z]+)+-\d)\.rds\.amazonaws\.com(\.cn)?$/;

/** Whether `endpoint` is an Aurora Global Database's writer endpoint. */
export function isGlobalWriterEndpoint(endpoint: string): boolean {
  return GLOBAL_WRITER_ENDPOINT.test(endpoint.toLowerCase());
}

/**
 * The writer's cluster endpoint and region behind a global writer endpoint: the name is a DNS alias
 * Aurora keeps pointed at the current primary cluster's writer ("automatically updated by Aurora to
 * route requests to the current writer instance of the primary DB cluster", Amazon Aurora User
 * Guide, "Connecting to Amazon Aurora Global Database"), so its CNAME chain ends at
 * `<cluster>.cluster-<id>.<region>.rds.amazonaws.com`. A reader endpoint (`cluster-ro-`) or no
 * cluster endpoint in the chain is refused: it would not be the writer.
 */
export async function writerBehind(globalEndpoint: string, resolveCname: ResolveCname = dns.resolveCname): Promise<{ endpoint: string; region: string }> {
  let name = globalEndpoint.toLowerCase();
  for (let hop = 0; hop < 5; hop++) {
    let targets: string[];
    try {
      targets = await resolveCname(name);
    } catch (error) {
      // The first name must resolve; a later one without a CNAME is where the chain ends.
      if (hop === 0) throw new Error(`cannot resolve the global writer endpoint ${globalEndpoint}: ${messageOf(error)}`, { cause: error });
      break;
    }
    const target = targets[0]?.toLowerCase().replace(/\.$/, "");
    if (!target) break;
    const cluster = CLUSTER_ENDPOINT.exec(target);
    if (cluster) return { endpoint: target, region: cluster[1] };
    name = target;
    if (/\.cluster-ro-/.test(target)) break;
  }
  throw new Error(`the global writer endpoint ${globalEndpoint} does not lead to a writer's cluster endpoint (last name ${name}); is the global database failing over?`);
}

async function connection(
  values: Values,
  env: NodeJS.ProcessEnv,
  resolveCname: ResolveCname,
): Promise<{ pool: Pool; actor: string; where: string; writer?: string }> {
  const url = values["database-url"] ?? env.REFDATA_DATABASE_URL;
  if (url) {
    const actor = values.actor ?? `local:${userInfo().username}`;
    return { pool: new Pool({ connectionString: url, max: 2 }), actor, where: databaseOf(url) };
  }
  if (!values.endpoint) {
    throw new UsageError(
      "no database given: --database-url URL (or REFDATA_DATABASE_URL) for a local one, or --endpoint <Aurora writer endpoint> [--region R] [--via HOST:PORT] in AWS",
    );
  }
  if (values.actor) throw new UsageError("--actor is only for local databases: in AWS the actor is your IAM identity");
  // A global writer endpoint is followed to the writer's own cluster endpoint first: the token, the
  // TLS name and the region are that cluster's.
  const global = isGlobalWriterEndpoint(values.endpoint) ? await writerBehind(values.endpoint, resolveCname) : undefined;
  if (global && values.region && values.region !== global.region) {
    throw new UsageError(
      `--region ${values.region} is not the writer's: ${values.endpoint} points at ${global.endpoint} in ${global.region} (leave --region out, or pass ${global.region})`,
    );
  }
  const endpoint = global?.endpoint ?? values.endpoint;
  const port = values.port ? Number(values.port) : 5432;
  const [viaHost, viaPort] = (values.via ?? `${endpoint}:${port}`).split(":");
  // Without --region the SDK's chain decides (AWS_REGION, the profile); the token is signed for the same one.
  const regionOfClient = global?.region ?? values.region;
  const sts = nameAwsCalls(new STSClient(regionOfClient ? { region: regionOfClient } : {}));
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Arn) throw new Error("sts:GetCallerIdentity returned no ARN");
  const region = await sts.config.region();
  const config: PoolConfig = {
    host: viaHost,
    port: Number(viaPort),
    database: values.database ?? "trading",
    user: REFDATA_DB_ROLE,
    password: rdsTokenProvider({ hostname: endpoint, port, username: REFDATA_DB_ROLE, region }),
    ssl: rdsTlsOptions(endpoint),
    max: 2,
    connectionTimeoutMillis: 10_000,
    application_name: "refdata-cli",
  };
  return {
    pool: new Pool(config),
    actor: identity.Arn,
    where: `${viaHost}:${viaPort}${values.via ? ` (the tunnel to ${endpoint})` : ""}`,
    ...(global ? { writer: `writing through the global writer endpoint ${values.endpoint}: the writer is ${global.endpoint} in ${global.region}` } : {}),
  };
}

/** host:port of a database URL, never its password. */
function databaseOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return "(the --database-url given)";
  }
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
