import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { EXIT, exitCodeFor, mermaidPath, parseCliArgs, runCli } from "../../../offline/plan/cli";
import { PLAIN } from "../../../offline/plan/format";
import { plan, StackPlan, stacksInPlanOrder } from "../../../offline/plan/plan";
import { planJson, renderPlan } from "../../../offline/plan/render";
import { failedRow, renderSummary, SummaryRow, summaryRow } from "../../../offline/plan/summary";
import { buildTree } from "../../../offline/plan/tree";
import { plannedStack } from "./support";

/** Captures what the CLI writes. */
function io(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t), isTTY }, stderr: { write: (t: string) => err.push(t) } },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

describe("plan: the text report of prod-us-east-1", () => {
  let p: StackPlan;
  let text: string;
  before(async () => {
    p = await plannedStack("prod-us-east-1");
    text = renderPlan(p, PLAIN);
  });

  it("prints nine parts, numbered once each and in order", () => {
    const headings = [...text.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => `${m[1]}. ${m[2]}`);
    expect(headings).to.deep.equal([
      "1. Resources by component",
      "2. AZ matrix (us-east-1)",
      "3. Policy report (prod config)",
      "4. Alarms by tier",
      "5. Monthly cost estimate",
      "6. Deployment critical path",
      "7. Diagram",
      "8. Region loss",
      `9. Game days (${p.gameDays.templates.length} FIS experiment templates)`,
    ]);
  });

  it("--only prints the heading and that one section, with its number in the full report", () => {
    const only = renderPlan(p, PLAIN, { only: "cost" });
    expect([...only.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => m[0])).to.deep.equal(["5. Monthly cost estimate"]);
    expect(only).to.include("Plan for prod-us-east-1").and.include(`Prices of ${p.cost.snapshotDate}`);
    expect(only).to.not.include("AZ matrix");
  });

  it("--json --only keeps each stack's identity and that section's fields", () => {
    const json = planJson([p], 0, [summaryRow(p)], "cost") as { stacks: Record<string, unknown>[] };
    expect(Object.keys(json.stacks[0])).to.deep.equal(["stack", "region", "environment", "role", "preview", "overrides", "cost"]);
    expect(planJson([p], 0, [summaryRow(p)], "summary")).to.deep.equal({ exitCode: 0, summary: [summaryRow(p)] });
  });

  it("the summary shows a stack whose plan failed, so it is not missed", () => {
    const text = renderSummary([summaryRow(p), failedRow("dev", "stack dev: Invalid configuration for stack \"dev\" (Pulumi.dev.yaml):\n  - ...")], PLAIN);
    expect(text.split("\n").pop()).to.match(/^ {2}dev +plan failed$/);
  });

  it("fits every table row in 100 columns when the output is not a terminal, and in the terminal's width on one", () => {
    // Rows of the tables (not the resource tree, whose branches are kept whole, nor an unbreakable URL).
    const tableRows = (t: string) => t.split("\n").filter((l) => /^ {2}\S.* {2}\S/.test(l) && !/https?:\/\/|[│├└]/.test(l));
    expect(Math.max(...tableRows(text).map((l) => [...l].length))).to.be.at.most(100);
    const narrow = renderPlan(p, { ...PLAIN, width: 80 });
    expect(Math.max(...tableRows(narrow).map((l) => [...l].length))).to.be.at.most(80);
    // Wide enough, the alarm table keeps each row on one line.
    expect(renderPlan(p, { ...PLAIN, width: 300 })).to.match(/edge +ALB +alb-elb-5xx +ApplicationELB HTTPCode_ELB_5XX_Count Sum +> 10 per minute +alarmAlbElb5xxPerMinute +3 of 5 x 1 min +yes/);
  });

  it("lists the alarms edge, fleet, data with their thresholds, config keys and whether they degrade trading", () => {
    const rows = p.alarms.rows;
    expect(rows.length).to.equal(51);
    const tiers = rows.map((r) => r.tier);
    expect([...new Set(tiers)]).to.deep.equal(["edge", "fleet", "data"]);
    expect(tiers.indexOf("fleet")).to.be.greaterThan(tiers.lastIndexOf("edge"));
    const byId = new Map(rows.map((r) => [r.alarm, r]));
    expect(byId.get("alb-p99-latency")).to.include({ watches: "ALB", metric: "ApplicationELB TargetResponseTime p99", threshold: "> 500 ms (p99)", configKey: "alarmAlbP99LatencyMs", window: "3 of 5 x 1 min", critical: false });
    expect(byId.get("dynamodb-replication-eu-west-1")).to.include({ threshold: "> 60000 ms to eu-west-1", window: "2 of 2 x 5 min", critical: true });
    expect(byId.get("stream-dlq-not-empty")).to.include({ threshold: "> 0 (any message)", critical: true });
    expect(rows.filter((r) => r.critical)).to.have.length(p.alarms.composite?.members ?? -1);
    expect(p.alarms.notifies).to.deep.equal([{ topic: "trading-prod-us-east-1-alarms", created: true, subscriptions: ["email:sre-oncall@acme-markets.example"] }]);
    const wide = renderPlan(p, { ...PLAIN, width: 400 });
    expect(wide).to.include("4. Alarms by tier");
    expect(wide).to.match(/edge +ALB +alb-elb-5xx +ApplicationELB HTTPCode_ELB_5XX_Count Sum +> 10 per minute +alarmAlbElb5xxPerMinute +3 of 5 x 1 min +yes/);
    expect(wide).to.include("51 metric alarms; composite trading-prod-us-east-1-trading-degraded is in ALARM when any of its 16 critical alarms");
  });

  it("includes observability in the cost: alarm metrics, the composite alarm, the dashboard and the custom metrics", () => {
    const group = p.cost.byComponent.find((g) => g.componentType === "trading:observability:Observability");
    expect(group?.items.map((i) => i.description)).to.have.members([
      // The SystemErrors alarm reads one metric per DynamoDB operation (components/observability/alarmPlan.ts).
      "57 alarm metrics (standard resolution)",
      "CloudWatch dashboard",
      "5 custom metrics the alarms and dashboards read",
      "composite alarm",
    ]);
    expect(group?.monthlyUsd).to.be.closeTo(57 * 0.1 + 3 + 5 * 0.3 + 0.5, 1e-9);
    expect(p.cost.minimum.usageBased.map((n) => n.resourceName)).to.include("trading-alarms-topic");
  });

  it("has no colour codes when the output is not a terminal", () => {
    expect(text).to.not.include("\u001b[");
  });

  it("names the price snapshot's date and sources, and passes the prod policy config", () => {
    expect(text).to.include(`Prices of ${p.cost.snapshotDate}`);
    expect(text).to.include("https://aws.amazon.com/dynamodb/pricing/");
    expect(p.policy.passed).to.equal(true);
    expect(p.policy.packs.map((x) => x.configFile)).to.deep.equal([
      "policy/config/prod/resilience.json",
      "policy/config/prod/cost.json",
      "policy/config/prod/security.json",
    ]);
  });

  it("counts resources by component, every provider-managed resource under the stack", () => {
    expect(p.tree.root.total).to.equal(p.tree.resourceCount);
    const network = p.tree.root.components.find((c) => c.type === "trading:network:HaNetwork");
    expect(network?.resources.find((t) => t.type === "aws:ec2/subnet:Subnet")?.count).to.equal(9);
    expect(network?.resources.find((t) => t.type === "aws:ec2/natGateway:NatGateway")?.count).to.equal(3);
    expect(p.tree.root.components.map((c) => c.type)).to.include.members([
      "trading:network:HaNetwork",
      "trading:cluster:TradingCluster",
      "trading:data:DataTier",
      "trading:dynamo:DynamoHotPath",
    ]);
  });

  it("shows a critical path no shorter than its floor, each step starting when the one before is ready", () => {
    const cp = p.criticalPath;
    expect(cp.totalSeconds).to.be.at.least(cp.floor.seconds);
    expect(cp.serialSeconds).to.be.at.least(cp.totalSeconds);
    expect(cp.chain[0].startSeconds).to.equal(0);
    cp.chain.slice(1).forEach((step, i) => expect(step.startSeconds, step.name).to.equal(cp.chain[i].finishSeconds));
    expect(cp.chain[cp.chain.length - 1].finishSeconds).to.equal(cp.totalSeconds);
    // The slowest resources of this stack are data stores that take minutes.
    expect(cp.floor.seconds).to.be.at.least(600);
  });

  it("draws the architecture from the recorded resources", () => {
    const m = p.mermaid;
    expect(m.startsWith("flowchart TB\n")).to.equal(true);
    for (const fragment of ["Internet gateway", "application load balancer", "NAT gateway", "EC2 instances", "DynamoDB table", "GSI", "Stream", "Lambda", "replica in eu-west-1"]) {
      expect(m, fragment).to.include(fragment);
    }
    for (const az of p.azMatrix.azIds) {
      expect(m).to.include(`subgraph az_${az.replace(/-/g, "_")}["${az}"]`);
      expect(m).to.include(`dax_${az.replace(/-/g, "_")} -->|"cache misses"|`);
    }
  });
});

describe("plan: stacks and modes", () => {
  it("orders primaries before the replica that reads them", () => {
    const order = stacksInPlanOrder();
    expect(order.indexOf("prod-us-east-1")).to.be.lessThan(order.indexOf("prod-eu-west-1"));
    expect(order).to.have.members(["dev", "prod-us-east-1", "prod-eu-west-1"]);
  });

  it("the replica's diagram shows where its global table lives", async () => {
    const p = await plannedStack("prod-eu-west-1");
    expect(p.role).to.equal("replica");
    expect(p.mermaid).to.include("global table in us-east-1");
  });

  it("the replica's stream processor is drawn fed by the replica table's stream, not by the Internet", async () => {
    const m = (await plannedStack("prod-eu-west-1")).mermaid;
    expect(m).to.include("  table_trading_replica --> stream_trading_replica\n");
    expect(m).to.include('  stream_trading_replica -->|"event source mapping"| fn_trading_stream_function\n');
    expect(m).to.not.match(/internet -->\|"event source mapping"\|/);
    const primary = (await plannedStack("prod-us-east-1")).mermaid;
    expect(primary).to.include('  stream_trading_table -->|"event source mapping"| fn_trading_stream_function\n');
  });

  it("a preview plan of prod reads the same tree with ids unknown", async () => {
    const [preview, deployed] = [await plannedStack("prod-us-east-1", true), await plannedStack("prod-us-east-1")];
    expect(preview.preview).to.equal(true);
    expect(preview.tree.resourceCount).to.equal(deployed.tree.resourceCount);
    expect(preview.criticalPath.totalSeconds).to.equal(deployed.criticalPath.totalSeconds);
  });

  it("buildTree refuses a run with no root stack", () => {
    expect(() => buildTree({ stack: "x", resources: [] } as never)).to.throw("stack x: the run registered no root stack resource");
  });
});

describe("plan: exit codes", () => {
  it("plan() of a mutated prod stack (an instance type prod's cost policy does not allow) fails a mandatory rule", async () => {
    const p = await plan("prod-us-east-1", { overrides: { "trading-platform:clusterInstanceType": "m7i.xlarge" } });
    expect(p.policy.passed).to.equal(false);
    expect(p.policy.violations.filter((v) => v.level === "mandatory").map((v) => `${v.pack}/${v.rule}`)).to.deep.equal([
      "trading-cost/ec2-instance-type-allowed",
    ]);
    expect(exitCodeFor([p])).to.equal(EXIT.mandatoryPolicyFailed);
    expect(exitCodeFor([await plannedStack("prod-us-east-1")])).to.equal(EXIT.ok);
  });

  it("the CLI exits 1 on a mandatory violation and prints the rule and the resource", async () => {
    const c = io();
    const code = await runCli(["prod-us-east-1", "--set", "dynamoTargetUtilization=85"], c.io);
    expect(code).to.equal(1);
    expect(c.stdout()).to.include("Config overridden: trading-platform:dynamoTargetUtilization=85");
    expect(c.stdout()).to.match(/- trading-cost\/dynamodb-target-utilisation-band on trading-scaling-table-write\s+\(aws:appautoscaling\/policy:Policy\)/);
    expect(c.stdout()).to.match(/FAIL: 4 mandatory violation\(s\)/);
  });

  it("the CLI exits 2 when the program rejects the config, with the program's message", async () => {
    const c = io();
    const code = await runCli(["prod-us-east-1", "--set", "natGatewayMode=single"], c.io);
    expect(code).to.equal(2);
    expect(c.stderr()).to.include('plan: Invalid configuration for stack "prod-us-east-1" (Pulumi.prod-us-east-1.yaml, --set):\n');
    expect(c.stderr()).to.include('trading-platform:natGatewayMode: must be "perAz" in a prod stack');
  });

  it("a bad value given with --set is reported as coming from --set, not from the stack file", async () => {
    const c = io();
    const code = await runCli(["dev", "--set", "dynamoReadCapacity=-5", "--set", "clusterMinSise=3"], c.io);
    expect(code).to.equal(2);
    expect(c.stderr()).to.include('Invalid configuration for stack "dev" (Pulumi.dev.yaml, --set):');
    expect(c.stderr()).to.include("  - trading-platform:dynamoReadCapacity: got -5; allowed 1–40000 (from --set)\n");
    expect(c.stderr()).to.include("  - trading-platform:clusterMinSise: is not a key of this project; did you mean trading-platform:clusterMinSize? (from --set)\n");
  });

  const usage: [string[], string][] = [
    [[], "plan: name a stack or pass --all"],
    [["dev", "--all"], "plan: give stack names or --all, not both"],
    [["dev", "--dax-hit", "1.5"], 'plan: --dax-hit must be a number from 0 to 1, got "1.5"'],
    [["dev", "--set", "novalue"], 'plan: --set takes KEY=VALUE, got "novalue"'],
    [["dev", "--colour"], "plan: Unknown option '--colour'"],
    [["dev", "--only", "everything"], 'plan: --only takes one of tree, az, policy, alarms, cost, path, diagram, region, gamedays, summary; got "everything"'],
  ];
  for (const [argv, message] of usage) {
    it(`usage error exits 2 with one line and a pointer to --help: ${JSON.stringify(argv)}`, async () => {
      const c = io();
      expect(await runCli(argv, c.io)).to.equal(2);
      expect(c.stderr()).to.equal(`${message}\nRun \`npm run plan -- --help\` for the options.\n`);
    });
  }

  it("--all --only summary prints just the summary table, one row per stack file in plan order", async () => {
    const c = io();
    expect(await runCli(["--all", "--only", "summary"], c.io)).to.equal(0);
    const lines = c.stdout().trimEnd().split("\n");
    expect(lines[0]).to.equal("Summary");
    expect(lines[1]).to.match(/^ {2}stack +role +region +resources +policy +minimum\/month +critical path$/);
    expect(lines.slice(3).map((l) => l.trim().split(/\s+/)[0])).to.deep.equal(stacksInPlanOrder());
    expect(c.stdout()).to.not.include("1. Resources by component");
  });

  it("--help prints the usage and exits 0", async () => {
    const c = io();
    expect(await runCli(["--help"], c.io)).to.equal(0);
    expect(c.stdout()).to.include("--mermaid FILE");
  });
});

describe("plan: CLI arguments", () => {
  it("reads the workload flags and config overrides", () => {
    const args = parseCliArgs(["prod-us-east-1", "--writes", "250", "--reads", "5000", "--item-kb", "2.5", "--dax-hit", "0.8", "--set", "clusterMinSize=4", "--set", "aws:region=eu-west-1"]);
    if (args === "help") {
      throw new Error("unexpected help");
    }
    expect(args.options.workload).to.deep.equal({ writesPerSecond: 250, readsPerSecond: 5000, itemSizeKb: 2.5, daxHitRatio: 0.8 });
    expect(args.options.overrides).to.deep.equal({ "trading-platform:clusterMinSize": 4, "aws:region": "eu-west-1" });
  });

  it("names one Mermaid file per stack when several are planned", () => {
    expect(mermaidPath("out/arch.md", "dev", false)).to.equal("out/arch.md");
    expect(mermaidPath("out/arch.md", "dev", true)).to.equal("out/arch.dev.md");
    expect(mermaidPath("arch", "dev", true)).to.equal("arch.dev");
  });
});

describe("plan: --all --json --mermaid", () => {
  let dir: string;
  let code: number;
  let json: { exitCode: number; stacks: StackPlan[]; summary: SummaryRow[] };
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "plan-"));
    const c = io();
    code = await runCli(["--all", "--json", "--mermaid", path.join(dir, "arch.md"), "--writes", "40"], c.io);
    json = JSON.parse(c.stdout()) as typeof json;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("covers the three stacks, primaries first, and exits 0", () => {
    expect(code).to.equal(0);
    expect(json.exitCode).to.equal(0);
    expect(json.stacks.map((s) => s.stack)).to.deep.equal(stacksInPlanOrder());
  });

  it("carries the summary: per stack resources, policy verdict, monthly minimum and critical path", () => {
    expect(json.summary).to.deep.equal(json.stacks.map((s) => summaryRow(s)));
    const dev = json.summary.find((r) => r.stack === "dev");
    expect(dev).to.deep.include({ role: "primary", region: "us-east-1", policyPassed: true });
    const text = renderSummary(json.summary, PLAIN);
    const row = text.split("\n").find((l) => l.startsWith("  prod-eu-west-1"));
    const p = json.stacks.find((s) => s.stack === "prod-eu-west-1");
    expect(row).to.match(new RegExp(`^  prod-eu-west-1 +replica +eu-west-1 +${p?.tree.resourceCount} +pass +\\$[\\d,]+\\.\\d\\d +\\d+ min`));
  });

  it("prints every part for machines", () => {
    for (const s of json.stacks) {
      expect(Object.keys(s)).to.include.members(["stack", "region", "environment", "role", "tree", "azMatrix", "policy", "alarms", "cost", "criticalPath", "mermaid", "timings"]);
      expect(s.tree.root.type).to.equal("pulumi:pulumi:Stack");
      expect(s.azMatrix.rows.map((r) => r.key)).to.deep.equal(["public", "app", "data", "nat", "egress", "asg", "alb", "database", "cache", "dax"]);
      expect(s.policy.passed).to.equal(true);
      expect(s.cost.minimum.totalMonthlyUsd).to.be.greaterThan(0);
      expect(s.cost.dynamo.onDemand?.workload.writesPerSecond).to.equal(40);
      expect(s.criticalPath.chain.length).to.be.greaterThan(1);
    }
    const env = Object.fromEntries(json.stacks.map((s) => [s.stack, s.policy.environment]));
    expect(env).to.deep.equal({ dev: "dev", "prod-us-east-1": "prod", "prod-eu-west-1": "prod" });
  });

  it("writes one Mermaid document per stack", () => {
    for (const s of json.stacks) {
      const doc = readFileSync(path.join(dir, `arch.${s.stack}.md`), "utf8");
      expect(doc).to.equal(`# ${s.stack} (${s.region})\n\n\`\`\`mermaid\n${s.mermaid}\`\`\`\n`);
    }
  });
});
