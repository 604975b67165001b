import { expect } from "chai";
import { RefreshSummary, waitForInstanceRefreshes } from "../../../offline/ops/waitForRefresh";

const SINCE = new Date("2026-03-02T14:00:00Z");
const at = (minutes: number) => new Date(SINCE.getTime() + minutes * 60_000);

/** A describe() that answers each poll with the next list, repeating the last. */
function script(...polls: RefreshSummary[][]) {
  let i = 0;
  return { describe: async () => polls[Math.min(i++, polls.length - 1)], polls: () => i };
}

const wait = (describe: () => Promise<RefreshSummary[]>, timeoutMs = 60_000) => {
  let clock = SINCE.getTime();
  return waitForInstanceRefreshes({
    describe,
    since: SINCE,
    pollMs: 1000,
    timeoutMs,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  });
};

describe("waiting for the instance refresh after pulumi up", () => {
  it("waits through Pending and InProgress until the refresh succeeds", async () => {
    const s = script(
      [{ id: "r1", status: "Pending", startTime: at(1) }],
      [{ id: "r1", status: "InProgress", startTime: at(1), percentageComplete: 33 }],
      [{ id: "r1", status: "Successful", startTime: at(1) }],
    );
    const outcome = await wait(s.describe);
    expect(outcome).to.deep.include({ result: "succeeded" });
    expect(s.polls()).to.equal(3);
  });

  for (const status of ["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]) {
    it(`fails the deploy when the refresh ends ${status}`, async () => {
      const s = script([{ id: "r1", status: "InProgress", startTime: at(1) }], [{ id: "r1", status, statusReason: "instances did not pass health checks", startTime: at(1) }]);
      const outcome = await wait(s.describe);
      expect(outcome.result).to.equal("failed");
      expect(outcome.result === "failed" && outcome.refresh.status).to.equal(status);
    });
  }

  it("ignores refreshes from before the deploy (an old failure does not fail every later deploy)", async () => {
    const outcome = await wait(script([{ id: "old", status: "Failed", startTime: at(-60) }]).describe);
    expect(outcome).to.deep.equal({ result: "none" });
  });

  it("gives up with a failure when the refresh outlasts the timeout", async () => {
    const outcome = await wait(script([{ id: "r1", status: "InProgress", startTime: at(1) }]).describe, 5000);
    expect(outcome.result).to.equal("timed-out");
  });
});
