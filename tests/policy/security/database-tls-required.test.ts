// database-tls-required: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS } from "./fixtures";
import { aurora, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("database-tls-required", () => {
  it("reports a PostgreSQL cluster whose parameter group does not force TLS, and a MySQL one on the default group", async () => {
    const fx = new Fixture();
    aurora(fx, AZS, { dbClusterParameterGroupName: "lax" });
    fx.add(T.rdsClusterParams, "lax", { name: "lax", family: "aurora-postgresql16", parameters: [{ name: "rds.force_ssl", value: "0" }] });
    fx.add(T.rdsCluster, "mysql", { engine: "aurora-mysql", storageEncrypted: true });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "database-tls-required")).to.deep.equal([
      "RDS cluster db accepts unencrypted connections: its parameter group lax does not set rds.force_ssl = 1",
      "RDS cluster mysql accepts unencrypted connections: it uses no parameter group of this stack, and the engine's default does not set require_secure_transport = 1",
    ]);
  });
});
