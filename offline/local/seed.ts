/**
 * The reference data `npm run local` starts with: a small, fixed set, written through the real
 * repository (services/reference-data/src/repository.ts, as trading_refdata, audited with actor
 * `local:seed`), so the schema's constraints and triggers judge it exactly as they judge the CLI's
 * changes. offline/local/README.md lists it; change both together.
 *
 * Sizes are in minor units (prices) and whole units (quantities). The root README's example order
 * (ACC-1, ACME, buy 100 at 10000, i.e. 100.00) passes every check: 100 is a multiple of the lot (10),
 * 10000 is on the tick (5) and at the reference price, notional 1 000 000 is under the limit.
 */
import type { Scope } from "../../services/reference-data/src/entries";
import type { LimitsInput, NewClient, NewInstrument, ReferenceDataRepository } from "../../services/reference-data/src/repository";

export interface SeedAccount {
  accountId: string;
  name: string;
  limits: LimitsInput;
  /** Anything but active is set after the account is added (the schema adds accounts active). */
  status: "active" | "suspended";
}

export interface SeedClient extends NewClient {
  /** Accounts it may act for, and with which scopes. */
  entitlements: Record<string, Scope[]>;
  /** The scopes the local issuer may put in its tokens (a Cognito app client's allowed scopes). */
  tokenScopes: Scope[];
}

const DESK_LIMITS: LimitsInput = {
  maxOrderQuantity: 10_000,
  maxOrderNotional: "50000000",
  maxOpenOrders: 100,
  priceCollarBps: 500,
  ordersPerSecond: 50,
  burst: 100,
};

export const SEED_INSTRUMENTS: readonly (NewInstrument & { status: "trading" | "halted" })[] = [
  { symbol: "ACME", tickSize: 5, lotSize: 10, currency: "USD", referencePrice: 10_000, status: "trading" },
  { symbol: "GLOBX", tickSize: 1, lotSize: 1, currency: "EUR", referencePrice: 2_500, status: "trading" },
  { symbol: "HALTD", tickSize: 1, lotSize: 1, currency: "USD", referencePrice: 1_000, status: "halted" },
];

export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  { accountId: "ACC-1", name: "Local desk 1", limits: DESK_LIMITS, status: "active" },
  { accountId: "ACC-2", name: "Local desk 2 (tight limits)", limits: { ...DESK_LIMITS, maxOrderQuantity: 100, maxOpenOrders: 2 }, status: "active" },
  { accountId: "ACC-3", name: "Local desk 3 (suspended)", limits: DESK_LIMITS, status: "suspended" },
];

/** The root README's example order ("Calling the API"), which the seed is made to accept; the runner's curl places it. */
export const EXAMPLE_ORDER = '{"account":"ACC-1","clientOrderId":"desk-0001","symbol":"ACME","side":"buy","quantity":100,"limitPrice":10000,"timeInForce":"GTC"}';

/** The client `npm run -s local:token` gets a token for unless told otherwise. */
export const DEFAULT_CLIENT = "local-trader";

export const SEED_CLIENTS: readonly SeedClient[] = [
  {
    clientId: DEFAULT_CLIENT,
    name: "Local trading desk",
    kind: "trading",
    ordersPerSecond: 50,
    burst: 100,
    entitlements: { "ACC-1": ["orders.read", "orders.write"], "ACC-2": ["orders.read", "orders.write"], "ACC-3": ["orders.read", "orders.write"] },
    tokenScopes: ["orders.read", "orders.write"],
  },
  {
    clientId: "local-gateway",
    name: "Local execution gateway",
    kind: "execution_gateway",
    ordersPerSecond: 200,
    burst: 400,
    entitlements: { "ACC-1": ["orders.read", "fills.write"], "ACC-2": ["orders.read", "fills.write"] },
    tokenScopes: ["orders.read", "fills.write"],
  },
];

/** Writes the whole set into an empty, migrated database. */
export async function seedReferenceData(repo: ReferenceDataRepository): Promise<void> {
  for (const { status, ...instrument } of SEED_INSTRUMENTS) {
    await repo.addInstrument(instrument);
    if (status !== "trading") await repo.setInstrumentStatus(instrument.symbol, status);
  }
  for (const account of SEED_ACCOUNTS) {
    await repo.addAccount(account.accountId, account.name, account.limits);
    if (account.status !== "active") await repo.setAccountStatus(account.accountId, account.status);
  }
  for (const { entitlements, tokenScopes: _scopes, ...client } of SEED_CLIENTS) {
    await repo.addClient(client);
    for (const [account, scopes] of Object.entries(entitlements)) await repo.grant(client.clientId, account, scopes);
  }
}
