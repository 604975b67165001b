/**
 * The refdata CLI's commands: for each, the options it takes and the change it makes, every option
 * checked before anything connects.
 */
import { UsageError } from "../../cli/usage";
import { collarBps, decimalString, INSTRUMENT, integer, LIMITS, need, type OptionName, type Values } from "./cliOptions";
import { SCOPES, type Scope } from "./entries";
import { ReferenceDataRepository, type LimitsInput } from "./repository";

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
export interface Command {
  options: readonly OptionName[];
  prepare(values: Values): (repo: ReferenceDataRepository) => Promise<string>;
}


export const COMMANDS: Record<string, Command> = {
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

