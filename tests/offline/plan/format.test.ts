import { expect } from "chai";
import { DEFAULT_WIDTH, fitLines, formatDuration, formatUsd, PLAIN, styleFor, table, visibleWidth } from "../../../offline/plan/format";

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

  it("narrows a table wider than its width: text columns wrap between words, then break after - or /; numbers stay whole", () => {
    const columns = [{ header: "resource" }, { header: "what" }, { header: "cost", align: "right" as const }];
    const rows = [["trading-client-execution-gateway", "Cognito machine-to-machine app client, billed per token request", "$6.00"]];
    expect(table(columns, rows, [], "", 200).split("\n")).to.have.length(3);
    const narrow = table(columns, rows, [], "", 60);
    expect(narrow.split("\n")).to.deep.equal([
      "resource                          what                  cost",
      "--------------------------------  -------------------  -----",
      "trading-client-execution-gateway  Cognito              $6.00",
      "                                  machine-to-machine",
      "                                  app client, billed",
      "                                  per token request",
    ]);
    const tight = table(columns, rows, [], "", 30);
    expect(Math.max(...tight.split("\n").map(visibleWidth))).to.be.at.most(30);
    expect(tight).to.match(/^trading- +Cognito +\$6\.00$/m).and.match(/^client- +machine-to-$/m).and.match(/^execution- +machine app$/m);
  });

  it("is as wide as the terminal, or 100 columns when the output is not a terminal", () => {
    expect(styleFor({ isTTY: true, columns: 132 }, {}).width).to.equal(132);
    expect(styleFor({ isTTY: true, columns: 132 }, { NO_COLOR: "1" }).width).to.equal(132);
    expect(styleFor({ isTTY: false, columns: 132 }, {}).width).to.equal(DEFAULT_WIDTH);
    expect(styleFor({}, {}).width).to.equal(100);
    expect(PLAIN.width).to.equal(100);
  });

  it("wraps prose lines to the width under their own indent and bullet, keeping their spacing, leaving tree lines whole", () => {
    expect(fitLines("    - alpha beta gamma delta epsilon", 24)).to.equal("    - alpha beta gamma\n      delta epsilon");
    expect(fitLines("  alpha beta gamma delta epsilon zeta", 24)).to.equal("  alpha beta gamma delta\n    epsilon zeta");
    // The spacing that aligns a "name:   value" list survives the wrap.
    expect(fitLines("    kms:      https://aws.example/kms (key storage per month)", 44)).to.equal("    kms:      https://aws.example/kms (key\n      storage per month)");
    expect(fitLines("  short", 24)).to.equal("  short");
    expect(fitLines("  │  3 × aws:s3/bucket:BucketServerSideEncryption", 20)).to.equal("  │  3 × aws:s3/bucket:BucketServerSideEncryption");
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
