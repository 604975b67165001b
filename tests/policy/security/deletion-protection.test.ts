// deletion-protection: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS } from "./fixtures";
import { aurora, dynamoTable, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("deletion-protection", () => {
  it("reports unprotected databases and tables, and is skipped where disabled", async () => {
    const fx = new Fixture();
    aurora(fx, AZS, { deletionProtection: false });
    fx.add(T.rdsStandalone, "legacy", { engine: "postgres" });
    dynamoTable(fx, { props: { deletionProtectionEnabled: false } });
    fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/orders" });
    const prod = await evaluate(securityPack, fx);
    expect(messagesOf(prod, "deletion-protection")).to.deep.equal([
      "RDS cluster db can be deleted (deletionProtection is off)",
      "DB instance legacy can be deleted (deletionProtection is off)",
      "table orders can be deleted (deletionProtectionEnabled is off)",
      "table replica replica can be deleted (deletionProtectionEnabled is off)",
    ]);
    const dev = await evaluate(securityPack, fx, { "deletion-protection": "disabled" });
    expect(messagesOf(dev, "deletion-protection")).to.deep.equal([]);
  });
});

describe("deletion-protection of load balancers", () => {
  it("passes a deletion-protected load balancer and fails one without", async () => {
    const fx = new Fixture();
    fx.add(T.lb, "protected", { loadBalancerType: "application", enableDeletionProtection: true });
    fx.add(T.lb, "exposed", { loadBalancerType: "application" });
    expect(messagesOf(await evaluate(securityPack, fx), "deletion-protection")).to.deep.equal(["load balancer exposed can be deleted (enableDeletionProtection is off)"]);
  });
});
