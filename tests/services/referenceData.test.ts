/**
 * The reference-data schema against a real PostgreSQL: migrations applied by the runner the Lambda
 * uses (idempotent, overlapping runs serialised), the roles they create (IAM auth membership, least
 * privilege), the constraints, and the audit of every CLI change (who, when, before, after).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Pool } from "pg";
import { APP_DB_ROLE, MIGRATIONS_DIR, REFDATA_DB_ROLE, migrationFiles } from "../../services/reference-data/contract";
import { runCli } from "../../services/reference-data/src/cli";
import { migrate } from "../../services/reference-data/src/migrate";
import { ReferenceDataRepository, RefDataError } from "../../services/reference-data/src/repository";
import { sharedPostgres, type Postgres } from "../support/postgres";

describe("reference data in PostgreSQL", function () {
  this.timeout(60_000);
  let pg: Postgres;
  let database: string;

  before(async function () {
    this.timeout(120_000);
    pg = await sharedPostgres();
    database = await pg.createDatabase("refdata");
  });

  it("never edits an applied migration: every file matches migrations.sha256", () => {
    const pinned = readFileSync(path.join(MIGRATIONS_DIR, "..", "migrations.sha256"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/));
    const files = migrationFiles();
    expect(files.map((f) => [f.sha256, f.name])).to.deep.equal(pinned);
    for (const file of files) expect(file.sql, file.name).to.not.match(/--\s*down migration/i);
  });

  it("applies every migration once, even when two runs overlap, and a later run applies nothing", async () => {
    const [a, b] = await Promise.all([pg.connect(database), pg.connect(database)]);
    try {
      const results = await Promise.all([migrate(a), migrate(b)]);
      const applied = results.flatMap((r) => r.applied);
      expect(applied).to.deep.equal(migrationFiles().map((f) => f.name.replace(/\.sql$/, "")));
      const again = await migrate(a);
      expect(again.applied).to.deep.equal([]);
      expect(again.total).to.equal(migrationFiles().length);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("creates the application roles with IAM authentication (rds_iam) and least privilege", async () => {
    const admin = await pg.connect(database);
    try {
      const members = await admin.query<{ rolname: string }>(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = 'rds_iam' ORDER BY 1",
      );
      expect(members.rows.map((r) => r.rolname)).to.include.members([APP_DB_ROLE, REFDATA_DB_ROLE]);
      const flags = await admin.query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1",
        [APP_DB_ROLE],
      );
      expect(flags.rows[0]).to.deep.equal({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    } finally {
      await admin.end();
    }
    await pg.setPassword(APP_DB_ROLE);
    const app = await pg.connect(database, APP_DB_ROLE);
    try {
      await app.query("SELECT * FROM refdata.account_entries");
      await app.query("SELECT revision, table_name, entity_key FROM refdata.audit");
      for (const forbidden of [
        "SELECT actor FROM refdata.audit",
        "SELECT * FROM refdata.accounts",
        "UPDATE refdata.revision SET value = value + 1",
        "CREATE TABLE refdata.x (a int)",
      ]) {
        const error = await app.query(forbidden).then(() => undefined, (e: Error) => e);
        expect(error, forbidden).to.be.instanceOf(Error);
      }
    } finally {
      await app.end();
    }
  });

  describe("changes, constraints and audit", () => {
    let pool: Pool;
    let repo: ReferenceDataRepository;
    before(async () => {
      await pg.setPassword(REFDATA_DB_ROLE);
      pool = new Pool({ ...pg.config(database, REFDATA_DB_ROLE), max: 2 });
      repo = new ReferenceDataRepository(pool, "alice@example.com");
    });
    after(async () => pool?.end());

    it("audits every change with who, when, before and after; a repeated change is not a change", async () => {
      await repo.addInstrument({ symbol: "AUD1", tickSize: 1, lotSize: 100, currency: "USD", referencePrice: 5_000 });
      await repo.setInstrumentStatus("AUD1", "halted");
      await repo.setInstrumentStatus("AUD1", "halted");
      const rows = await repo.audit({ table: "instruments", entityKey: "AUD1" });
      expect(rows.map((r) => r.operation)).to.deep.equal(["UPDATE", "INSERT"]);
      const [halt, insert] = rows;
      expect(halt).to.include({ actor: "alice@example.com", dbUser: REFDATA_DB_ROLE });
      expect((halt.before as { status: string }).status).to.equal("trading");
      expect((halt.after as { status: string }).status).to.equal("halted");
      expect(insert.before).to.equal(null);
      expect(Date.now() - halt.at.getTime()).to.be.below(60_000);
      expect(halt.revision).to.be.greaterThan(insert.revision);
    });

    it("refuses a change that names no actor, and the audit cannot be written or rewritten directly", async () => {
      const client = await pool.connect();
      try {
        const anonymous = await client.query("UPDATE refdata.instruments SET status = 'trading' WHERE symbol = 'AUD1'").then(() => undefined, (e: Error) => e);
        expect(String(anonymous)).to.match(/must name their actor/);
        const forged = await client.query("INSERT INTO refdata.audit (revision, actor, table_name, operation, entity_key) VALUES (1, 'x', 'x', 'INSERT', 'x')").then(() => undefined, (e: Error) => e);
        expect(String(forged)).to.match(/permission denied/);
        const erased = await client.query("DELETE FROM refdata.audit").then(() => undefined, (e: Error) => e);
        expect(String(erased)).to.match(/permission denied/);
      } finally {
        client.release();
      }
    });

    it("enforces the schema's constraints (checks, foreign keys, fills.write for the execution gateway only)", async () => {
      const refused = async (work: Promise<unknown>) => expect(await work.then(() => undefined, (e: unknown) => e)).to.be.instanceOf(RefDataError);
      await refused(repo.addInstrument({ symbol: "bad symbol", tickSize: 1, lotSize: 1, currency: "USD", referencePrice: 1 }));
      await refused(repo.addInstrument({ symbol: "ZERO", tickSize: 0, lotSize: 1, currency: "USD", referencePrice: 1 }));
      await refused(repo.addInstrument({ symbol: "AUD1", tickSize: 1, lotSize: 1, currency: "USD", referencePrice: 1 }));
      await repo.addAccount("acct-c1", "Constraint test", { maxOrderQuantity: 10, maxOrderNotional: "1000", maxOpenOrders: 1, priceCollarBps: 100, ordersPerSecond: 1, burst: 1 });
      await refused(repo.setLimits("acct-c1", { priceCollarBps: 20_000 }));
      await repo.addClient({ clientId: "desk-1", name: "Desk", kind: "trading", ordersPerSecond: 5, burst: 5 });
      await repo.addClient({ clientId: "gateway-1", name: "Gateway", kind: "execution_gateway", ordersPerSecond: 5, burst: 5 });
      await refused(repo.grant("desk-1", "no-such-account", ["orders.read"]));
      await refused(repo.grant("desk-1", "acct-c1", ["fills.write"]));
      await repo.grant("desk-1", "acct-c1", ["orders.read", "orders.write"]);
      await repo.grant("gateway-1", "acct-c1", ["fills.write"]);
      const entries = await pool.query<{ client_id: string; entitlements: Record<string, string[]> }>("SELECT client_id, entitlements FROM refdata.client_entries ORDER BY 1");
      expect(entries.rows).to.deep.equal([
        { client_id: "desk-1", entitlements: { "acct-c1": ["orders.read", "orders.write"] } },
        { client_id: "gateway-1", entitlements: { "acct-c1": ["fills.write"] } },
      ]);
      await repo.revoke("desk-1", "acct-c1");
      await refused(repo.revoke("desk-1", "acct-c1"));
    });

    it("the CLI adds, updates, halts, sets limits and grants, each change audited", async () => {
      const url = `postgres://${REFDATA_DB_ROLE}:${pg.password}@${pg.host}:${pg.port}/${database}`;
      const cli = (...args: string[]) => runCli([...args, "--database-url", url, "--actor", "bob@example.com"]);
      expect(await cli("instruments", "add", "--symbol", "CLI1", "--tick-size", "5", "--lot-size", "10", "--currency", "EUR", "--reference-price", "2500")).to.match(/added/);
      await cli("instruments", "update", "--symbol", "CLI1", "--reference-price", "2600");
      await cli("instruments", "halt", "--symbol", "CLI1");
      await cli("accounts", "add", "--account", "cli-acct", "--name", "CLI account", "--max-order-quantity", "1000", "--max-order-notional", "100000000", "--max-open-orders", "10", "--collar-pct", "2.5", "--orders-per-second", "10", "--burst", "20");
      await cli("limits", "set", "--account", "cli-acct", "--max-open-orders", "5");
      await cli("clients", "add", "--client", "cli-client", "--name", "CLI client", "--kind", "trading", "--orders-per-second", "5", "--burst", "10");
      await cli("clients", "grant", "--client", "cli-client", "--account", "cli-acct", "--scopes", "orders.read,orders.write");
      const limits = await pool.query("SELECT max_open_orders, price_collar_bps FROM refdata.risk_limits WHERE account_id = 'cli-acct'");
      expect(limits.rows[0]).to.deep.equal({ max_open_orders: 5, price_collar_bps: 250 });
      const audit = (await cli("audit", "--limit", "100")).split("\n").map((line) => JSON.parse(line) as { actor: string; table: string; key: string });
      const mine = audit.filter((row) => row.actor === "bob@example.com").map((row) => `${row.table}:${row.key}`);
      expect(mine).to.include.members(["instruments:CLI1", "accounts:cli-acct", "risk_limits:cli-acct", "api_clients:cli-client", "client_entitlements:cli-client/cli-acct"]);
      expect(mine.filter((m) => m === "instruments:CLI1")).to.have.length(3);
      const usage = await runCli(["instruments", "add", "--symbol", "X", "--database-url", url]).then(() => "", (e: Error) => e.message);
      expect(usage).to.match(/--tick-size is required/);
    });
  });
});
