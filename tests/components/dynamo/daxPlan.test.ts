import { expect } from "chai";
import {
  DAX_NODE_TYPES,
  daxClusterName,
  daxNodeAvailabilityZones,
  daxTlsEndpoint,
  isBurstableDaxNodeType,
} from "../../../components/dynamo/daxPlan";

describe("DAX plan", () => {
  const azs = ["us-east-1c", "us-east-1d", "us-east-1a"];

  it("puts one node in each AZ when the replication factor equals the AZ count", () => {
    expect(daxNodeAvailabilityZones(azs, 3)).to.deep.equal(azs);
  });

  it("lists exactly replicationFactor distinct AZs, the first ones in the given order", () => {
    expect(daxNodeAvailabilityZones(azs, 1)).to.deep.equal(["us-east-1c"]);
    expect(daxNodeAvailabilityZones(azs, 2)).to.deep.equal(["us-east-1c", "us-east-1d"]);
  });

  it("refuses more nodes than AZs: the provider sends the AZs as a set, so a repeated AZ would be lost", () => {
    expect(() => daxNodeAvailabilityZones(azs, 4)).to.throw(
      "replicationFactor 4 exceeds the 3 AZs: nodes are placed one per AZ (availabilityZones is a set)",
    );
  });

  it("rejects a replication factor outside 1..11 and a bad AZ list", () => {
    expect(() => daxNodeAvailabilityZones(azs, 0)).to.throw("replicationFactor must be a whole number from 1 to 11; got 0");
    expect(() => daxNodeAvailabilityZones(azs, 12)).to.throw("from 1 to 11; got 12");
    expect(() => daxNodeAvailabilityZones([], 3)).to.throw("need at least one AZ");
    expect(() => daxNodeAvailabilityZones(["a", "a"], 2)).to.throw("AZ names must be distinct");
  });

  it("names the cluster per environment within DAX's 20-character limit", () => {
    expect(daxClusterName("prod")).to.equal("trading-prod");
    expect(daxClusterName("staging")).to.equal("trading-staging");
    expect(() => daxClusterName("a-very-long-environment")).to.throw("at most 15 characters");
    expect(() => daxClusterName("Prod")).to.throw("is invalid");
  });

  it("builds the TLS discovery endpoint", () => {
    expect(daxTlsEndpoint("trading-prod.abc.dax-clusters.us-east-1.amazonaws.com")).to.equal(
      "daxs://trading-prod.abc.dax-clusters.us-east-1.amazonaws.com",
    );
  });

  it("allows only current-generation node types, and tells burstable ones apart", () => {
    expect(DAX_NODE_TYPES.every((t) => /^dax\.(r5|t3)\./.test(t))).to.equal(true);
    expect(isBurstableDaxNodeType("dax.t3.small")).to.equal(true);
    expect(isBurstableDaxNodeType("dax.r5.large")).to.equal(false);
  });
});
