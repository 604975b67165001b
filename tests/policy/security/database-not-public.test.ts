// database-not-public, with its fixtures: Aurora instances and a DB instance, private, public and unset.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { aurora, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const AZS = ["use1-az1", "use1-az2", "use1-az4"];

describe("database-not-public", () => {
  it("passes instances that set publiclyAccessible false", async () => {
    const fx = new Fixture();
    aurora(fx, AZS, {}, { publiclyAccessible: false });
    fx.add(T.rdsStandalone, "legacy", { engine: "postgres", instanceClass: "db.m7g.large", publiclyAccessible: false, storageEncrypted: true });
    expect(messagesOf(await evaluate(securityPack, fx), "database-not-public")).to.deep.equal([]);
  });

  it("reports a public instance and ones that leave it unset (public in a VPC with an internet gateway)", async () => {
    const fx = new Fixture();
    aurora(fx, AZS.slice(0, 2), {}, { publiclyAccessible: undefined });
    fx.add(T.rdsStandalone, "legacy", { engine: "postgres", instanceClass: "db.m7g.large", publiclyAccessible: true });
    expect(messagesOf(await evaluate(securityPack, fx), "database-not-public")).to.deep.equal([
      "Aurora instance db-0 does not set publiclyAccessible: RDS makes it public in a VPC with an internet gateway; set false",
      "Aurora instance db-1 does not set publiclyAccessible: RDS makes it public in a VPC with an internet gateway; set false",
      "DB instance legacy is publicly accessible (publiclyAccessible: true): its endpoint resolves to a public IP",
    ]);
  });
});
