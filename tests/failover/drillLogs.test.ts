/**
 * The drill's two-writer check can fail: overlaps() finds writes of two regions that overlap in
 * time and passes writes that only follow one another (the drill's one-writer assertion rests on it).
 */
import { expect } from "chai";
import { handOver, overlaps, type AdmittedWrite } from "./drillLogs";

const write = (region: string, instance: string, start: number, end: number): AdmittedWrite => ({ region, instance, start, end });

describe("failover drill: reading the instances' logs", () => {
  it("finds writes of two regions overlapping in time, and none when one region's follow the other's", () => {
    const handedOver = [write("us-east-1", "a", 0, 100), write("us-east-1", "b", 50, 400), write("eu-west-1", "c", 401, 500)];
    expect(overlaps(handedOver, ["us-east-1", "eu-west-1"])).to.deep.equal([]);
    // A long write of the old region still running when the target admits one.
    const twoWriters = [write("us-east-1", "a", 0, 100), write("us-east-1", "b", 50, 450), write("eu-west-1", "c", 401, 500)];
    expect(overlaps(twoWriters, ["us-east-1", "eu-west-1"])).to.deep.equal(["b (us-east-1) 50-450 and c (eu-west-1) 401-500"]);
  });

  it("finds the hand-over: the old region's last write before the target's first after the command started", () => {
    const writes = [write("us-east-1", "a", 1000, 1100), write("us-east-1", "b", 1200, 1300), write("eu-west-1", "c", 4000, 4100), write("us-east-1", "a", 9000, 9100)];
    expect(handOver(writes, "us-east-1", "eu-west-1", 1050)).to.deep.equal({ firstTarget: writes[2], lastOld: writes[1] });
  });
});
