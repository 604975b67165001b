// backup-retention: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS } from "./fixtures";
import { aurora, cache, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("backup-retention", () => {
  it("reports short retention, counting unset as AWS's default", async () => {
    const fx = new Fixture();
    aurora(fx, AZS, { backupRetentionPeriod: undefined });
    fx.add(T.rdsStandalone, "legacy", { engine: "postgres", storageEncrypted: true, backupRetentionPeriod: 3 });
    cache(fx, AZS, { snapshotRetentionLimit: undefined });
    const result = await evaluate(securityPack, fx, { "backup-retention": { minDatabaseBackupDays: 7, minCacheSnapshotDays: 1 } });
    expect(messagesOf(result, "backup-retention")).to.deep.equal([
      "RDS cluster db keeps backups for 1 day(s); at least 7 are required (backupRetentionPeriod)",
      "DB instance legacy keeps backups for 3 day(s); at least 7 are required (backupRetentionPeriod)",
      "replication group cache keeps snapshots for 0 day(s); at least 1 are required (snapshotRetentionLimit)",
    ]);
  });
});
