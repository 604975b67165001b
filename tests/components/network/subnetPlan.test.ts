import { expect } from "chai";
import { cidrContains, cidrsOverlap, parseCidr } from "../../../components/network/cidr";
import { planSubnets, SUBNET_TIERS } from "../../../components/network/subnetPlan";

describe("planSubnets", () => {
  const plan = planSubnets({ vpcCidr: "10.20.0.0/16", azCount: 3 });
  const all = SUBNET_TIERS.flatMap((tier) => plan[tier]);

  it("gives every tier one subnet per AZ with the tier's size", () => {
    expect(plan.public.map((c) => parseCidr(c).prefix)).to.deep.equal([24, 24, 24]);
    expect(plan.app.map((c) => parseCidr(c).prefix)).to.deep.equal([20, 20, 20]);
    expect(plan.data.map((c) => parseCidr(c).prefix)).to.deep.equal([24, 24, 24]);
  });

  it("keeps every subnet inside the VPC", () => {
    const vpc = parseCidr("10.20.0.0/16");
    for (const cidr of all) {
      expect(cidrContains(vpc, parseCidr(cidr)), cidr).to.equal(true);
    }
  });

  it("never overlaps two subnets", () => {
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        expect(cidrsOverlap(parseCidr(all[i]), parseCidr(all[j])), `${all[i]} vs ${all[j]}`).to.equal(false);
      }
    }
  });

  it("leaves existing subnets in place when an AZ is added", () => {
    const grown = planSubnets({ vpcCidr: "10.20.0.0/16", azCount: 4 });
    for (const tier of SUBNET_TIERS) {
      expect(grown[tier].slice(0, 3)).to.deep.equal(plan[tier]);
      expect(grown[tier]).to.have.length(4);
    }
  });

  it("honours custom prefixes", () => {
    const custom = planSubnets({ vpcCidr: "10.0.0.0/20", azCount: 3, slotsPerTier: 3, prefixes: { public: 27, app: 24, data: 26 } });
    expect(custom.app).to.deep.equal(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
    expect(custom.data).to.deep.equal(["10.0.3.0/26", "10.0.3.64/26", "10.0.3.128/26"]);
    expect(custom.public).to.deep.equal(["10.0.3.192/27", "10.0.3.224/27", "10.0.4.0/27"]);
  });

  it("rejects a VPC too small for the plan, with the sizes in the message", () => {
    expect(() => planSubnets({ vpcCidr: "10.0.0.0/19", azCount: 3 })).to.throw(
      "VPC 10.0.0.0/19 holds 8192 addresses but 4 slots per tier of public /24, app /20 and data /24 need 18432",
    );
  });

  it("rejects a subnet prefix not longer than the VPC's or smaller than /28", () => {
    expect(() => planSubnets({ vpcCidr: "10.0.0.0/20", azCount: 3, prefixes: { public: 24, app: 20, data: 24 } })).to.throw(
      "app subnet prefix /20 must be an integer longer than the VPC's /20",
    );
    expect(() => planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 3, prefixes: { public: 29, app: 20, data: 24 } })).to.throw(
      "public subnet prefix /29",
    );
  });

  it("rejects fewer slots than AZs", () => {
    expect(() => planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 5, slotsPerTier: 4 })).to.throw("slotsPerTier (4)");
  });
});
