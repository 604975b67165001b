import { expect } from "chai";
import { formatDuration, formatUsd, PLAIN, styleFor, table, visibleWidth } from "../../../offline/plan/format";

describe("plan: terminal formatting", () => {
  it("aligns columns, right-aligning numbers, whatever colour codes the cells carry", () => {
    const red = styleFor({ isTTY: true }, {}).red;
    const text = table(
      [{ header: "name" }, { header: "count", align: "right" }],
      [
        [red("nat"), "3"],
        ["subnet", "12"],
      ],
      [["total", "15"]],
      "",
    );
    const lines = text.split("\n").map((l) => l.split("\u001b[31m").join("").split("\u001b[0m").join(""));
    expect(lines).to.deep.equal(["name    count", "------  -----", "nat         3", "subnet     12", "------  -----", "total      15"]);
  });

  it("uses no colour when the output is not a terminal, or NO_COLOR is set", () => {
    expect(styleFor({ isTTY: false }, {}).red("x")).to.equal("x");
    expect(styleFor({ isTTY: true }, { NO_COLOR: "1" }).red("x")).to.equal("x");
    expect(styleFor({ isTTY: true }, { TERM: "dumb" }).bold("x")).to.equal("x");
    expect(styleFor({ isTTY: true }, {}).red("x")).to.equal("\u001b[31mx\u001b[0m");
    expect(visibleWidth(styleFor({ isTTY: true }, {}).red("abc"))).to.equal(3);
    expect(PLAIN.bold("x")).to.equal("x");
  });

  it("writes durations and dollars as people read them", () => {
    expect(formatDuration(45)).to.equal("45 s");
    expect(formatDuration(120)).to.equal("2 min");
    expect(formatDuration(750)).to.equal("12 min 30 s");
    expect(formatDuration(3720)).to.equal("1 h 02 min");
    expect(formatUsd(1234.5)).to.equal("$1,234.50");
    expect(formatUsd(-0.456)).to.equal("-$0.46");
  });
});
