// log-group-retention: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("log-group-retention", () => {
  it("passes a group with a retention at or above the minimum and fails one without, one with 0 (never expire) and one below the minimum", async () => {
    const fx = new Fixture();
    fx.add(T.logGroup, "kept", { name: "/trading/kept", retentionInDays: 90 });
    fx.add(T.logGroup, "unset", { name: "/trading/unset" });
    fx.add(T.logGroup, "forever", { name: "/trading/forever", retentionInDays: 0 });
    fx.add(T.logGroup, "short", { name: "/trading/short", retentionInDays: 30 });
    // AWS fixes a DELIVERY-class group's retention; it only relays.
    fx.add(T.logGroup, "delivery", { name: "/trading/delivery", logGroupClass: "DELIVERY" });
    const result = await evaluate(securityPack, fx, { "log-group-retention": { minRetentionDays: 90 } });
    expect(messagesOf(result, "log-group-retention")).to.deep.equal([
      "log group unset keeps its events forever (retentionInDays (not set)); set a retention",
      "log group forever keeps its events forever (retentionInDays 0); set a retention",
      "log group short keeps its events for 30 day(s); at least 90 are required (retentionInDays)",
    ]);
    expect(messagesOf(await evaluate(securityPack, fx), "log-group-retention"), "default minimum 1").to.have.length(2);
  });
});
