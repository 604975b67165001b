// stateful-resources-protected: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "../support/fixture";

describe("stateful-resources-protected", () => {
  const stack = (protect: boolean) => {
    const fx = new Fixture();
    fx.add(T.dax, "dax", { nodeType: "dax.r5.large", replicationFactor: 3 }, { protect });
    fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql", deletionProtection: true }, { protect });
    // Not a default type: a cache's replacement is created first and refilled from Aurora.
    fx.add(T.cache, "cache", { engine: "valkey" });
    return fx;
  };

  it("passes protected DAX and Aurora clusters and fails unprotected ones (and is off where disabled)", async () => {
    expect(messagesOf(await evaluate(resiliencePack, stack(true)), "stateful-resources-protected")).to.deep.equal([]);
    const hint = "a deployment that replaces or deletes it would go ahead; a deliberate replacement unprotects it and sets this rule to advisory for that one deploy";
    expect(messagesOf(await evaluate(resiliencePack, stack(false)), "stateful-resources-protected")).to.deep.equal([
      `DAX cluster dax is not protected (resource option protect): ${hint}`,
      `Aurora cluster db is not protected (resource option protect): ${hint}`,
    ]);
    expect(violationsOf(await evaluate(resiliencePack, stack(false), { "stateful-resources-protected": "disabled" }), "stateful-resources-protected")).to.deep.equal([]);
  });

  it("judges the types it is configured with", async () => {
    const result = await evaluate(resiliencePack, stack(true), { "stateful-resources-protected": { resourceTypes: [T.cache] } });
    expect(messagesOf(result, "stateful-resources-protected").map((m) => m.split(" (")[0])).to.deep.equal(["aws:elasticache/replicationGroup:ReplicationGroup cache is not protected"]);
  });
});
