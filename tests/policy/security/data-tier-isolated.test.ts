import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "../support/fixture";
import { isolatedDataTier, leakyDataTier } from "./data-tier-isolated.fixtures";

describe("data-tier-isolated", () => {
  for (const preview of [false, true]) {
    it(`passes data subnets whose route tables have no way out, and the app tier's NAT routes are not its business (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      isolatedDataTier(fx);
      expect(messagesOf(await evaluate(securityPack, fx), "data-tier-isolated")).to.deep.equal([]);
    });

    it(`reports a data subnet routed to an internet gateway, one to a NAT gateway (inline route), one to an egress-only gateway (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      leakyDataTier(fx);
      const result = await evaluate(securityPack, fx);
      const messages = messagesOf(result, "data-tier-isolated");
      expect(messages).to.have.length(3);
      expect(messages[0]).to.match(/^data subnet data-use1-az1 \(in subnet group db-subnets\) uses route table data-rt-data-use1-az1, which has route data-to-igw \(0\.0\.0\.0\/0\) via an internet gateway/);
      expect(messages[1]).to.match(/^data subnet data-use1-az2 .* uses route table data-nat-rt, which has inline route .* via a NAT gateway/);
      expect(messages[2]).to.match(/^data subnet cache-extra \(in subnet group cache-extra-subnets\) uses route table v6-rt, which has route v6-out \(::\/0\) via an egress-only internet gateway/);
      expect(violationsOf(result, "data-tier-isolated")[0].urn).to.match(/::data-use1-az1$/);
    });
  }

  it("finds data subnets by the tier tag too, configurable", async () => {
    const fx = new Fixture();
    isolatedDataTier(fx);
    const tagged = fx.add(T.subnet, "db-extra", { cidrBlock: "10.0.20.0/24", availabilityZoneId: "use1-az1", tags: { Layer: "db" } });
    fx.add(T.rta, "db-extra-rta", { subnetId: fx.ref(tagged), routeTableId: fx.ref(fx.get("public-rt")) });
    expect(messagesOf(await evaluate(securityPack, fx), "data-tier-isolated")).to.deep.equal([]);
    const result = await evaluate(securityPack, fx, { "data-tier-isolated": { tierTag: "Layer", dataTiers: ["db"] } });
    expect(messagesOf(result, "data-tier-isolated")).to.deep.equal([
      "data subnet db-extra (tagged Layer=db) uses route table public-rt, which has route public-default (0.0.0.0/0) via an internet gateway: the data tier must not reach the internet",
    ]);
  });
});
