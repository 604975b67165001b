import { expect } from "chai";
import { azIdPrefixForRegion, isAzIdOfRegion } from "../../../components/network/azIds";

describe("azIds", () => {
  for (const [region, prefix] of [
    ["us-east-1", "use1"],
    ["us-west-2", "usw2"],
    ["eu-west-1", "euw1"],
    ["eu-central-1", "euc1"],
    ["ap-northeast-1", "apne1"],
    ["ap-southeast-2", "apse2"],
    ["ca-central-1", "cac1"],
    ["us-gov-west-1", "usgw1"],
  ] as const) {
    it(`${region} → ${prefix}`, () => {
      expect(azIdPrefixForRegion(region)).to.equal(prefix);
    });
  }

  it("rejects what is not a region name", () => {
    expect(() => azIdPrefixForRegion("useast1")).to.throw("not an AWS region name");
    expect(() => azIdPrefixForRegion("us-sideways-1")).to.throw('unknown part "sideways"');
  });

  it("tells whether an AZ ID belongs to a region", () => {
    expect(isAzIdOfRegion("use1-az4", "us-east-1")).to.equal(true);
    expect(isAzIdOfRegion("euw1-az1", "us-east-1")).to.equal(false);
    expect(isAzIdOfRegion("us-east-1a", "us-east-1")).to.equal(false);
  });
});
