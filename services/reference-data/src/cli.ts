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
 */
import { parseArgs } from "node:util";
import { userInfo } from "node:os";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Pool, type PoolConfig } from "pg";
import { REFDATA_DB_ROLE } from "../contract";
import { SCOPES, type Scope } from "./entries";
import { rdsTokenProvider } from "./iamAuth";
import { rdsTlsOptions } from "./rdsTls";
import { RefDataError, ReferenceDataRepository, type LimitsInput } from "./repository";

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

connection: --database-url URL --actor NAME   |   --endpoint HOST --region R [--via HOST:PORT] [--database DB]`;

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

class UsageError extends Error {}

function need(values: Values, name: keyof Values): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

function integer(values: Values, name: keyof Values, required: true): number;
function integer(values: Values, name: keyof Values, required: false): number | undefined;
function integer(values: Values, name: keyof Values, required: boolean): number | undefined {
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

function decimalString(values: Values, name: keyof Values, required: boolean): string | undefined {
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

async function connection(values: Values, env: NodeJS.ProcessEnv): Promise<{ pool: Pool; actor: string }> {
  const url = values["database-url"] ?? env.REFDATA_DATABASE_URL;
  if (url) {
    const actor = values.actor ?? `local:${userInfo().username}`;
    return { pool: new Pool({ connectionString: url, max: 2 }), actor };
  }
  const endpoint = need(values, "endpoint");
  const region = need(values, "region");
  if (values.actor) throw new UsageError("--actor is only for local databases: in AWS the actor is your IAM identity");
  const port = values.port ? Number(values.port) : 5432;
  const [viaHost, viaPort] = (values.via ?? `${endpoint}:${port}`).split(":");
  const identity = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
  if (!identity.Arn) throw new Error("sts:GetCallerIdentity returned no ARN");
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
  return { pool: new Pool(config), actor: identity.Arn };
}

/** Runs one command; returns what to print. Exported for the tests. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help || positionals.length === 0) return USAGE;
  const [group, action] = positionals;
  const { pool, actor } = await connection(values, env);
  const repo = new ReferenceDataRepository(pool, actor);
  try {
    const command = `${group} ${action ?? ""}`.trim();
    switch (command) {
      case "instruments add":
        await repo.addInstrument({
          symbol: need(values, "symbol"),
          tickSize: integer(values, "tick-size", true),
          lotSize: integer(values, "lot-size", true),
          currency: need(values, "currency"),
          referencePrice: integer(values, "reference-price", true),
        });
        return `instrument ${values.symbol} added (trading)`;
      case "instruments update":
        await repo.updateInstrument(need(values, "symbol"), {
          tickSize: integer(values, "tick-size", false),
          lotSize: integer(values, "lot-size", false),
          currency: values.currency,
          referencePrice: integer(values, "reference-price", false),
        });
        return `instrument ${values.symbol} updated`;
      case "instruments halt":
      case "instruments resume":
        await repo.setInstrumentStatus(need(values, "symbol"), action === "halt" ? "halted" : "trading");
        return `instrument ${values.symbol} ${action === "halt" ? "halted" : "trading"}`;
      case "accounts add":
        await repo.addAccount(need(values, "account"), need(values, "name"), limitsFrom(values, true) as LimitsInput);
        return `account ${values.account} added (active)`;
      case "accounts suspend":
      case "accounts activate":
      case "accounts close": {
        const status = action === "suspend" ? "suspended" : action === "activate" ? "active" : "closed";
        await repo.setAccountStatus(need(values, "account"), status);
        return `account ${values.account} ${status}`;
      }
      case "limits set":
        await repo.setLimits(need(values, "account"), limitsFrom(values, false));
        return `limits of ${values.account} set`;
      case "clients add": {
        const kind = need(values, "kind");
        if (kind !== "trading" && kind !== "execution_gateway") throw new UsageError("--kind must be trading or execution_gateway");
        await repo.addClient({
          clientId: need(values, "client"),
          name: need(values, "name"),
          kind,
          ordersPerSecond: integer(values, "orders-per-second", true),
          burst: integer(values, "burst", true),
        });
        return `client ${values.client} added (active)`;
      }
      case "clients disable":
      case "clients enable":
        await repo.setClientStatus(need(values, "client"), action === "disable" ? "disabled" : "active");
        return `client ${values.client} ${action === "disable" ? "disabled" : "active"}`;
      case "clients grant": {
        const scopes = need(values, "scopes").split(",").map((s) => s.trim()) as Scope[];
        await repo.grant(need(values, "client"), need(values, "account"), scopes);
        return `client ${values.client} may act for ${values.account} with ${scopes.join(", ")}`;
      }
      case "clients revoke":
        await repo.revoke(need(values, "client"), need(values, "account"));
        return `client ${values.client} no longer acts for ${values.account}`;
      case "audit": {
        const rows = await repo.audit({
          limit: integer(values, "limit", false),
          ...(values.table ? { table: values.table } : {}),
          ...(values.key ? { entityKey: values.key } : {}),
        });
        return rows
          .map((r) => JSON.stringify({ at: r.at.toISOString(), actor: r.actor, dbUser: r.dbUser, table: r.table, operation: r.operation, key: r.entityKey, before: r.before, after: r.after }))
          .join("\n");
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (output) => console.log(output),
    (error: unknown) => {
      if (error instanceof UsageError || error instanceof RefDataError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
        console.error(`refdata: ${(error as Error).message}\n\n${USAGE}`);
        process.exit(2);
      }
      console.error(`refdata: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
