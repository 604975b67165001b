import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";
import { dataStores, leakyDataStores } from "./data-stores-admit-only-security-groups.fixtures";

const ALLOWED = { "data-stores-admit-only-security-groups": { allowedSourceGroups: ["trading-app"] } };

describe("data-stores-admit-only-security-groups", () => {
  for (const preview of [false, true]) {
    it(`passes data stores reached only from the app group (by Name tag) and themselves (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      dataStores(fx);
      expect(messagesOf(await evaluate(securityPack, fx, ALLOWED), "data-stores-admit-only-security-groups")).to.deep.equal([]);
    });
  }

  it("reports CIDRs and prefix lists on data store groups, and a source group outside allowedSourceGroups", async () => {
    const fx = new Fixture();
    leakyDataStores(fx);
    expect(messagesOf(await evaluate(securityPack, fx, ALLOWED), "data-stores-admit-only-security-groups")).to.deep.equal([
      "ingress rule db-from-office of db-sg (the group of db) admits 10.20.0.0/16: a data store admits security groups only",
      "ingress rule cache-from-bastion of cache-sg (the group of cache) admits bastion, which is not in allowedSourceGroups (trading-app)",
      "security group rule dax-from-pl of dax-sg (the group of dax) admits pl-123: a data store admits security groups only",
    ]);
    // Without a list, any referenced group is fine; addresses never are.
    expect(messagesOf(await evaluate(securityPack, fx), "data-stores-admit-only-security-groups")).to.have.length(2);
  });

  it("reads a group's inline ingress", async () => {
    const fx = new Fixture();
    dataStores(fx);
    const inline = fx.add(T.sg, "db2-sg", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }] });
    fx.add(T.rdsStandalone, "db2", { engine: "postgres", vpcSecurityGroupIds: [fx.ref(inline)], publiclyAccessible: false });
    expect(messagesOf(await evaluate(securityPack, fx), "data-stores-admit-only-security-groups")).to.deep.equal([
      "inline ingress #1 of db2-sg (the group of db2) admits 0.0.0.0/0: a data store admits security groups only",
    ]);
  });
});
