import { expect } from "chai";
import { peakInstancesDuringRefresh, refreshPreferences, targetTracking } from "../../../components/cluster/capacity";

describe("cluster capacity maths", () => {
  it("refreshes launch-before-terminate: never below 100%, one AZ's share of extra capacity at a time", () => {
    expect(refreshPreferences(3)).to.deep.equal({ minHealthyPercentage: 100, maxHealthyPercentage: 134 });
    expect(refreshPreferences(2)).to.deep.equal({ minHealthyPercentage: 100, maxHealthyPercentage: 150 });
    expect(refreshPreferences(1)).to.deep.equal({ minHealthyPercentage: 100, maxHealthyPercentage: 200 });
  });

  it("stays inside AWS's bounds (max 100-200, max - min <= 100) for every AZ count", () => {
    for (let azs = 1; azs <= 6; azs++) {
      const p = refreshPreferences(azs);
      expect(p.maxHealthyPercentage).to.be.within(101, 200);
      expect(p.maxHealthyPercentage - p.minHealthyPercentage).to.be.at.most(100);
    }
  });

  it("with one instance per AZ, a refresh adds one instance at a time; with 12 over 3 AZs, four", () => {
    const p = refreshPreferences(3);
    expect(peakInstancesDuringRefresh(3, p)).to.equal(4);
    expect(peakInstancesDuringRefresh(12, p)).to.equal(16);
  });

  it("rejects a non-positive AZ count", () => {
    expect(() => refreshPreferences(0)).to.throw("azCount must be a positive integer; got 0");
    expect(() => refreshPreferences(2.5)).to.throw("azCount must be a positive integer");
  });

  it("tracks ALB requests per target (with a resource label) or average CPU", () => {
    expect(targetTracking("alb-requests", 1200, 50)).to.deep.equal({
      predefinedMetricType: "ALBRequestCountPerTarget",
      targetValue: 1200,
      needsResourceLabel: true,
    });
    expect(targetTracking("cpu", 1200, 45)).to.deep.equal({
      predefinedMetricType: "ASGAverageCPUUtilization",
      targetValue: 45,
      needsResourceLabel: false,
    });
  });
});
