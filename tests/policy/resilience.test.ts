import { expect } from "chai";
import { resiliencePack } from "../../policy/resilience/policies";
import { AZS, fullStack } from "./resilience/fixtures";
import { cache, dax, network, T } from "./support/builders";
import { evaluate, Fixture, messagesOf } from "./support/fixture";

describe("resilience pack", () => {
  for (const preview of [false, true]) {
    it(`a compliant three-AZ stack passes every rule (${preview ? "preview: ids unknown" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      fullStack(fx);
      const result = await evaluate(resiliencePack, fx);
      expect(result.violations).to.deep.equal([]);
    });
  }

  describe("node AZ lists computed from subnets (a preview)", () => {
    it("bounds the spread by the subnets the list is built from", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      const names = (subnets: typeof net.subnets.data) => subnets.map((s) => fx.ref(s, "availabilityZone"));
      dax(fx, [], { replicationFactor: 1, availabilityZones: names(net.subnets.data) });
      fx.add(T.dax, "dax3", { replicationFactor: 3, availabilityZones: names(net.subnets.data), nodeType: "dax.r5.large" });
      cache(fx, [], { numCacheClusters: 3, preferredCacheClusterAzs: names(net.subnets.data.slice(0, 2)) });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "dax-spans-azs")).to.deep.equal([
        "DAX cluster dax has replicationFactor 1; at least 3 nodes are required",
        "DAX cluster dax (1 node(s)) can span at most 1 AZ(s); at least 3 are required " +
          "(availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
      ]);
      expect(messagesOf(result, "cache-spans-azs")).to.deep.equal([
        "replication group cache (3 node(s)) can span at most 2 AZ(s); at least 3 are required " +
          "(preferredCacheClusterAzs is unknown until the update and comes from subnets in 2 AZ(s) (use1-az1, use1-az2) for 3 node(s))",
      ]);
      // The AZ-loss model puts the one DAX node in any of its three candidate AZs, and the cache's
      // three nodes in its two: every loss of those AZs takes the node or the majority.
      expect(messagesOf(result, "az-loss-survivability").filter((m) => /dax|cache/.test(m))).to.deep.equal([
        "losing use1-az1: replication group cache loses all 3 node(s) (node AZs not known: preferredCacheClusterAzs is unknown until the update and comes from subnets in 2 AZ(s) (use1-az1, use1-az2) for 3 node(s))",
        "losing use1-az1: DAX cluster dax loses all 1 node(s) (node AZs not known: availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
        "losing use1-az2: replication group cache loses all 3 node(s) (node AZs not known: preferredCacheClusterAzs is unknown until the update and comes from subnets in 2 AZ(s) (use1-az1, use1-az2) for 3 node(s))",
        "losing use1-az2: DAX cluster dax loses all 1 node(s) (node AZs not known: availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
        "losing use1-az4: DAX cluster dax loses all 1 node(s) (node AZs not known: availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
      ]);
    });
  });
});
