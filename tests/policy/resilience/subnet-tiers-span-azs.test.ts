// subnet-tiers-span-azs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS, TWO_AZS } from "./fixtures";
import { network } from "../support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "../support/fixture";

describe("subnet-tiers-span-azs", () => {
  it("reports each tier of a two-AZ VPC", async () => {
    const fx = new Fixture();
    network(fx, TWO_AZS);
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "subnet-tiers-span-azs")).to.deep.equal([
      'subnet tier "public" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
      'subnet tier "app" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
      'subnet tier "data" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
    ]);
    expect(violationsOf(result, "subnet-tiers-span-azs")[0].urn).to.equal(fx.resources[0].urn);
  });

  it("without tier tags, classifies subnets by routing (public, private through NAT, isolated)", async () => {
    const fx = new Fixture();
    network(fx, AZS, { tierTags: false, tierAzs: { data: TWO_AZS } });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "subnet-tiers-span-azs")).to.deep.equal([
      'subnet tier "isolated" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
    ]);
  });

  it("honours minAzs from config", async () => {
    const fx = new Fixture();
    network(fx, TWO_AZS);
    const result = await evaluate(resiliencePack, fx, { "subnet-tiers-span-azs": { minAzs: 2 } });
    expect(messagesOf(result, "subnet-tiers-span-azs")).to.deep.equal([]);
  });
});
