import { expect } from "chai";
import {
  capacityProblems,
  CapacitySettings,
  indexesCoverTableWrites,
  isTimeZone,
  parseScheduledAction,
  parseScheduledActions,
  planCapacity,
  predefinedMetric,
  scalableDimension,
  scalableResourceId,
  scalingPolicyName,
} from "../../../components/dynamo/capacity";

const BASE: CapacitySettings = {
  readCapacity: 100,
  writeCapacity: 50,
  readMinCapacity: 100,
  readMaxCapacity: 4000,
  writeMinCapacity: 50,
  writeMaxCapacity: 2000,
  indexReadMinCapacity: 25,
  indexReadMaxCapacity: 2000,
  indexWriteMinCapacity: 50,
  indexWriteMaxCapacity: 2000,
  targetUtilization: 70,
};

const messagesOf = (settings: Partial<CapacitySettings>) =>
  capacityProblems({ ...BASE, ...settings }).map((p) => `${p.key}: ${p.message}`);

describe("capacity maths", () => {
  describe("capacityProblems", () => {
    it("accepts consistent settings", () => {
      expect(capacityProblems(BASE)).to.deep.equal([]);
    });

    it("rejects a GSI write minimum below the table's: the GSI would throttle the table", () => {
      expect(messagesOf({ indexWriteMinCapacity: 49 })).to.deep.equal([
        "indexWriteMinCapacity: 49 is below writeMinCapacity 50; a GSI with less write capacity than its table throttles the table's writes",
      ]);
    });

    it("rejects a GSI write maximum below the table's", () => {
      expect(messagesOf({ indexWriteMaxCapacity: 1999 })).to.deep.equal([
        "indexWriteMaxCapacity: 1999 is below writeMaxCapacity 2000; a GSI with less write capacity than its table throttles the table's writes",
      ]);
    });

    it("does not require GSI reads to match the table's (a sparse index is read far less)", () => {
      expect(messagesOf({ indexReadMinCapacity: 1, indexReadMaxCapacity: 10 })).to.deep.equal([]);
    });

    it("rejects a minimum above its maximum, for every pair", () => {
      expect(messagesOf({ readMinCapacity: 5000, readCapacity: 5000 })).to.include(
        "readMinCapacity: 5000 is greater than readMaxCapacity 4000; the table read minimum must not exceed its maximum",
      );
      expect(messagesOf({ indexReadMinCapacity: 3000 })).to.deep.equal([
        "indexReadMinCapacity: 3000 is greater than indexReadMaxCapacity 2000; the index read minimum must not exceed its maximum",
      ]);
      expect(messagesOf({ indexWriteMinCapacity: 2500 })).to.deep.equal([
        "indexWriteMinCapacity: 2500 is greater than indexWriteMaxCapacity 2000; the index write minimum must not exceed its maximum",
      ]);
    });

    it("rejects an initial capacity outside its scaling range", () => {
      expect(messagesOf({ writeCapacity: 10 })).to.deep.equal([
        "writeCapacity: 10 is outside writeMinCapacity..writeMaxCapacity (50..2000); the initial capacity must lie within the auto scaling range",
      ]);
    });

    it("rejects a target utilisation DynamoDB target tracking does not accept", () => {
      for (const targetUtilization of [19, 91, 70.5]) {
        expect(messagesOf({ targetUtilization })).to.deep.equal([
          `targetUtilization: must be a whole percentage from 20 to 90 (DynamoDB target tracking); got ${targetUtilization}`,
        ]);
      }
      expect(messagesOf({ targetUtilization: 20 })).to.deep.equal([]);
      expect(messagesOf({ targetUtilization: 90 })).to.deep.equal([]);
    });

    it("rejects capacity units outside 1..40000 or fractional", () => {
      expect(messagesOf({ readMaxCapacity: 40_001 })).to.deep.equal([
        "readMaxCapacity: must be a whole number of capacity units from 1 to 40000; got 40001",
      ]);
      expect(messagesOf({ writeMinCapacity: 0 })[0]).to.equal(
        "writeMinCapacity: must be a whole number of capacity units from 1 to 40000; got 0",
      );
      expect(messagesOf({ readCapacity: 1.5 })[0]).to.equal(
        "readCapacity: must be a whole number of capacity units from 1 to 40000; got 1.5",
      );
    });

    it("renders key names through the given function (the stack config's names)", () => {
      const problems = capacityProblems({ ...BASE, indexWriteMinCapacity: 10 }, (key) => `dynamo.${key}`);
      expect(problems[0].message).to.contain("below dynamo.writeMinCapacity 50");
    });
  });

  describe("planCapacity", () => {
    it("gives the table its configured range, initial capacity and target", () => {
      const plan = planCapacity(BASE);
      expect(plan.table).to.deep.equal({
        read: { initial: 100, min: 100, max: 4000, targetUtilization: 70 },
        write: { initial: 50, min: 50, max: 2000, targetUtilization: 70 },
      });
    });

    it("starts every GSI with at least the table's write capacity, even when the GSI minimum is lower", () => {
      const plan = planCapacity({ ...BASE, writeCapacity: 300, indexWriteMinCapacity: 50 });
      expect(plan.index.write).to.deep.equal({ initial: 300, min: 50, max: 2000, targetUtilization: 70 });
      expect(plan.index.write.initial).to.be.at.least(plan.table.write.initial);
      expect(indexesCoverTableWrites(plan)).to.equal(true);
    });

    it("starts a GSI at its own minimum when that is above the table's initial write capacity", () => {
      const plan = planCapacity({ ...BASE, indexWriteMinCapacity: 80 });
      expect(plan.index.write.initial).to.equal(80);
    });

    it("clamps the GSI's initial read capacity into the GSI read range", () => {
      expect(planCapacity({ ...BASE, indexReadMaxCapacity: 60 }).index.read.initial).to.equal(60);
      expect(planCapacity({ ...BASE, indexReadMinCapacity: 150, indexReadMaxCapacity: 200 }).index.read.initial).to.equal(150);
    });

    it("throws with every problem instead of planning inconsistent settings", () => {
      expect(() => planCapacity({ ...BASE, indexWriteMinCapacity: 1, targetUtilization: 70 })).to.throw(
        RangeError,
        "invalid capacity settings: indexWriteMinCapacity: 1 is below writeMinCapacity 50",
      );
    });
  });

  describe("indexesCoverTableWrites", () => {
    it("is false when any point of the GSI write range is below the table's", () => {
      const plan = planCapacity(BASE);
      expect(indexesCoverTableWrites({ ...plan, index: { ...plan.index, write: { ...plan.index.write, max: 1999 } } })).to.equal(false);
      expect(indexesCoverTableWrites({ ...plan, index: { ...plan.index, write: { ...plan.index.write, initial: 49 } } })).to.equal(false);
    });
  });

  describe("scheduled actions", () => {
    it("parses the compact form into name, schedule and per-dimension ranges", () => {
      expect(parseScheduledAction("market-open cron(45 8 ? * MON-FRI *) read=400-4000 write=200-2000")).to.deep.equal({
        name: "market-open",
        schedule: "cron(45 8 ? * MON-FRI *)",
        read: { min: 400, max: 4000 },
        write: { min: 200, max: 2000 },
      });
      expect(parseScheduledAction("warm rate(1 hour) read=10-20")).to.deep.equal({
        name: "warm",
        schedule: "rate(1 hour)",
        read: { min: 10, max: 20 },
      });
      expect(parseScheduledAction("once at(2026-12-31T23:00:00) write=5-10").write).to.deep.equal({ min: 5, max: 10 });
    });

    const bad: [string, string][] = [
      ["market-open", `"market-open" does not match <name> <cron(...)|rate(...)|at(...)> [read=<min>-<max>] [write=<min>-<max>]`],
      ["Market cron(0 13 ? * MON-FRI *) read=1-2", 'name "Market" must be lowercase letters, digits and hyphens'],
      ["open cron(0 13 * * MON-FRI) read=1-2", "cron(0 13 * * MON-FRI) needs 6 fields (minutes hours day-of-month month day-of-week year), got 5"],
      ["open cron(0 13 * * MON-FRI *) read=1-2", 'must have "?" in day-of-month or day-of-week'],
      ["open rate(0 minutes) read=1-2", "rate(0 minutes) must be rate(<n> minute(s)|hour(s)|day(s))"],
      ["open at(2026-12-31) read=1-2", "at(2026-12-31) must be at(yyyy-mm-ddThh:mm:ss)"],
      ["open cron(0 13 ? * MON-FRI *)", "names no range; add read=<min>-<max> and/or write=<min>-<max>"],
      ["open cron(0 13 ? * MON-FRI *) reads=1-2", '"reads=1-2" is not read=<min>-<max> or write=<min>-<max>'],
      ["open cron(0 13 ? * MON-FRI *) read=1-2 read=3-4", "read is given twice"],
      ["open cron(0 13 ? * MON-FRI *) write=20-10", "write minimum 20 is greater than its maximum 10"],
      ["open cron(0 13 ? * MON-FRI *) read=0-10", "read bounds must be capacity units from 1 to 40000"],
    ];
    for (const [entry, message] of bad) {
      it(`rejects "${entry}"`, () => {
        expect(() => parseScheduledAction(entry)).to.throw(message);
      });
    }

    it("reports problems per entry index and rejects a repeated name", () => {
      const { actions, problems } = parseScheduledActions([
        "open cron(0 13 ? * MON-FRI *) read=10-20",
        "open cron(0 21 ? * MON-FRI *) read=5-20",
        "nonsense",
      ]);
      expect(actions.map((a) => a.name)).to.deep.equal(["open"]);
      expect(problems.map((p) => p.index)).to.deep.equal([1, 2]);
      expect(problems[0].message).to.equal('name "open" is used by an earlier entry; names must be unique');
    });
  });

  describe("time zones", () => {
    it("accepts IANA names and rejects anything else", () => {
      expect(isTimeZone("UTC")).to.equal(true);
      expect(isTimeZone("America/New_York")).to.equal(true);
      expect(isTimeZone("Eastern")).to.equal(false);
      expect(isTimeZone("")).to.equal(false);
    });
  });

  describe("Application Auto Scaling identifiers", () => {
    it("names the table and its indexes as Application Auto Scaling expects", () => {
      expect(scalableResourceId("t")).to.equal("table/t");
      expect(scalableResourceId("t", "open-orders-by-symbol")).to.equal("table/t/index/open-orders-by-symbol");
      expect(scalableDimension("table", "read")).to.equal("dynamodb:table:ReadCapacityUnits");
      expect(scalableDimension("index", "write")).to.equal("dynamodb:index:WriteCapacityUnits");
      expect(predefinedMetric("write")).to.equal("DynamoDBWriteCapacityUtilization");
      expect(scalingPolicyName("table/t/index/i", "read")).to.equal("DynamoDBReadCapacityUtilization:table/t/index/i");
    });
  });
});
