// dax-spans-azs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS, TWO_AZS } from "./fixtures";
import { dax, network } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("dax-spans-azs", () => {
  it("reports a one-node cluster", async () => {
    const fx = new Fixture();
    network(fx, AZS);
    dax(fx, ["use1-az1"]);
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "dax-spans-azs")).to.deep.equal([
      "DAX cluster dax has replicationFactor 1; at least 3 nodes are required",
      "DAX cluster dax (1 node(s)) spans 1 AZ(s) (use1-az1); at least 3 are required",
    ]);
  });

  it("reports an AZ list that does not name one AZ per node", async () => {
    const fx = new Fixture();
    network(fx, AZS);
    dax(fx, TWO_AZS, { replicationFactor: 3 });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "dax-spans-azs")).to.deep.equal([
      "DAX cluster dax (3 node(s)) spans 0 AZ(s) (no AZ); at least 3 are required (not counted: availabilityZones names 2 AZ(s) for 3 node(s))",
    ]);
  });
});
