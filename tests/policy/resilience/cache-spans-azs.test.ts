// cache-spans-azs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS, TWO_AZS } from "./fixtures";
import { cache, network } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("cache-spans-azs", () => {
  it("reports failover off, Multi-AZ off and nodes in two AZs", async () => {
    const fx = new Fixture();
    network(fx, AZS);
    cache(fx, TWO_AZS, { automaticFailoverEnabled: false, multiAzEnabled: false });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "cache-spans-azs")).to.deep.equal([
      "replication group cache has automatic failover off; set automaticFailoverEnabled: true",
      "replication group cache is not Multi-AZ; set multiAzEnabled: true",
      "replication group cache (2 node(s)) spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required",
    ]);
  });

  it("does not count nodes whose AZs are left to ElastiCache", async () => {
    const fx = new Fixture();
    cache(fx, AZS, { preferredCacheClusterAzs: undefined });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "cache-spans-azs")).to.deep.equal([
      "replication group cache (3 node(s)) spans 0 AZ(s) (no AZ); at least 3 are required (not counted: preferredCacheClusterAzs is not set, so AWS chooses the AZs)",
    ]);
  });
});
