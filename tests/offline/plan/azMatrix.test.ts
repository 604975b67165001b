import { expect } from "chai";
import { HaNetwork } from "../../../components/network/haNetwork";
import { AzMatrix, AzRow, buildAzMatrix, ELIGIBLE, TierKey } from "../../../offline/plan/azMatrix";
import { tasksCell, tasksPerAz } from "../../../offline/plan/ecsTasks";
import { readStackFile, runProgram, runStackFile, stackConfig } from "../../support/mockCloud";
import { mutateRun } from "../../policy/support/mutate";
import { plannedFargateStack, plannedStack } from "./support";

const row = (m: AzMatrix, key: TierKey): AzRow => {
  const found = m.rows.find((r) => r.key === key);
  if (!found) {
    throw new Error(`no row ${key}`);
  }
  return found;
};

/** AZs where the tier really has something (not just a subnet group allowing it). */
const placed = (r: AzRow) => Object.entries(r.cells).filter(([, cell]) => cell !== ELIGIBLE).map(([az]) => az);

const configuredAzs = (stack: string) => readStackFile(stack)["trading-platform:azIds"] as string[];

const EVERY_TIER: TierKey[] = ["public", "app", "data", "nat", "asg", "alb", "database", "cache", "dax"];

for (const preview of [false, true]) {
  describe(`plan: AZ matrix of the real prod-us-east-1 stack${preview ? " (preview: AZ names and ids unknown)" : ""}`, () => {
    let matrix: AzMatrix;
    before(async () => {
      matrix = (await plannedStack("prod-us-east-1", preview)).azMatrix;
    });

    it("has the stack's three AZ IDs as columns", () => {
      expect(matrix.region).to.equal("us-east-1");
      expect(matrix.azIds).to.have.members(configuredAzs("prod-us-east-1"));
      expect(matrix.azIds).to.have.length(3);
    });

    for (const key of EVERY_TIER) {
      it(`places the ${key} tier in each of the three AZs`, () => {
        const r = row(matrix, key);
        expect(r.present, key).to.equal(true);
        expect(placed(r), key).to.have.members(configuredAzs("prod-us-east-1"));
        expect(r.azCount).to.equal(3);
      });
    }

    it("reads subnet tiers from routing: CIDRs of the public, app and data subnets per AZ", () => {
      expect(Object.values(row(matrix, "app").cells).every((c) => /^10\.20\.\d+\.0\/20$/.test(c))).to.equal(true);
      expect(Object.values(row(matrix, "public").cells).every((c) => /^10\.20\.\d+\.0\/24$/.test(c))).to.equal(true);
    });

    it("shows each AZ egressing through its own NAT, one Aurora instance and one cache node per AZ", () => {
      expect(Object.values(row(matrix, "egress").cells)).to.deep.equal(["same AZ", "same AZ", "same AZ"]);
      expect(Object.values(row(matrix, "database").cells).sort()).to.deep.equal(["instance t0", "instance t1", "instance t2"]);
      expect(Object.values(row(matrix, "cache").cells).sort()).to.deep.equal(["primary", "replica", "replica"]);
      expect(Object.values(row(matrix, "dax").cells)).to.deep.equal(["node", "node", "node"]);
    });
  });
}

describe("plan: AZ matrix of dev and the replica", () => {
  it("dev: one NAT, and two AZs whose app egress crosses to the NAT's AZ", async () => {
    const matrix = (await plannedStack("dev")).azMatrix;
    const nat = row(matrix, "nat");
    expect(placed(nat)).to.have.length(1);
    const natAz = placed(nat)[0];
    const egress = row(matrix, "egress");
    expect(Object.entries(egress.cells).filter(([, c]) => c === natAz)).to.have.length(2);
    expect(egress.note).to.equal("2 AZ(s) depend on a NAT in another AZ");
  });

  it("prod-eu-west-1: every tier over the replica region's three AZ IDs", async () => {
    const matrix = (await plannedStack("prod-eu-west-1")).azMatrix;
    expect(matrix.region).to.equal("eu-west-1");
    for (const key of EVERY_TIER) {
      expect(placed(row(matrix, key)), key).to.have.members(configuredAzs("prod-eu-west-1"));
    }
  });
});

describe("plan: AZ matrix of a stack that composes only the network", () => {
  it("shows the tiers it has and marks the others absent", async () => {
    const run = await runProgram(
      async () => {
        new HaNetwork("net", { cidrBlock: "10.50.0.0/16", availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"] });
        return {};
      },
      { stack: "dev", config: stackConfig("dev") },
    );
    const matrix = buildAzMatrix(run);
    for (const key of ["public", "app", "data", "nat"] as TierKey[]) {
      expect(row(matrix, key).azCount, key).to.equal(3);
    }
    for (const key of ["asg", "alb", "database", "cache", "dax"] as TierKey[]) {
      expect(row(matrix, key).present, key).to.equal(false);
      expect(row(matrix, key).note).to.equal("absent: nothing of this tier in the stack");
    }
  });
});

describe("plan: AZ matrix on ECS Fargate (--set computePlatform=fargate)", function () {
  this.timeout(120_000);

  for (const [stack, preview] of [["prod-us-east-1", false], ["prod-us-east-1", true], ["prod-eu-west-1", false]] as const) {
    it(`${stack}${preview ? " (preview)" : ""}: one task per AZ at the service's minimum of 3, in the stack's three AZs, and no ASG row`, async () => {
      const matrix = (await plannedFargateStack(stack, preview)).azMatrix;
      expect(matrix.rows.map((r) => r.key)).to.not.include("asg");
      const ecs = row(matrix, "ecs");
      expect(ecs.present).to.equal(true);
      expect(ecs.azCount).to.equal(3);
      expect(Object.keys(ecs.cells)).to.have.members(configuredAzs(stack));
      expect(Object.values(ecs.cells)).to.deep.equal(["1 task", "1 task", "1 task"]);
      expect(ecs.note).to.match(/: min 3 \/ desired 3 \/ max \d+ tasks \(min of its auto scaling target\); 1 task in each of 3 AZs at the minimum$/);
    });
  }

  it("dev: a minimum of 2 over 3 AZs is 0-1 task per AZ, two of the three holding one", async () => {
    const ecs = row((await plannedFargateStack("dev")).azMatrix, "ecs");
    expect(Object.values(ecs.cells)).to.deep.equal(["0-1 task", "0-1 task", "0-1 task"]);
    expect(ecs.note).to.match(/: min 2 \/ desired 2 \/ max 4 tasks \(min of its auto scaling target\); at the minimum 2 of the 3 AZs hold 1 \(ECS picks which\)$/);
  });

  it("without an auto scaling target the minimum is the service's desiredCount; in one AZ it holds every task", async () => {
    const run = await runStackFile("prod-us-east-1", { overrides: { "trading-platform:computePlatform": "fargate" } });
    const service = run.single("aws:ecs/service:Service");
    const target = run.single("aws:appautoscaling/target:Target", (t) => t.inputs.serviceNamespace === "ecs");
    const oneAz = (service.propertyDependencies.networkConfiguration ?? []).find((urn) => urn.includes("aws:ec2/subnet:Subnet"));
    const mutated = mutateRun(
      run,
      { match: (r) => r.urn === target.urn, set: { serviceNamespace: "dynamodb", scalableDimension: "dynamodb:table:ReadCapacityUnits", resourceId: "table/other" }, propertyDependencies: { resourceId: [] } },
      { match: (r) => r.urn === service.urn, set: { desiredCount: 4 }, propertyDependencies: { networkConfiguration: [oneAz ?? ""] } },
    );
    const ecs = row(buildAzMatrix(mutated), "ecs");
    expect(ecs.azCount).to.equal(1);
    expect(Object.values(ecs.cells)).to.deep.equal(["4 tasks"]);
    expect(ecs.note).to.match(/: min 4 \/ desired 4 \/ max 4 tasks \(no auto scaling target: min = desiredCount\); all 4 tasks in one AZ$/);
  });

  it("ec2 stacks keep the ASG row and have no ECS row", async () => {
    const keys = (await plannedStack("prod-us-east-1")).azMatrix.rows.map((r) => r.key);
    expect(keys).to.include("asg").and.not.include("ecs");
  });

  it("spreads a minimum evenly: every AZ holds floor(min / AZs), min mod AZs of them one more", () => {
    expect(tasksPerAz(3, 3)).to.deep.equal({ low: 1, high: 1, fuller: 0 });
    expect(tasksPerAz(2, 3)).to.deep.equal({ low: 0, high: 1, fuller: 2 });
    expect(tasksPerAz(7, 3)).to.deep.equal({ low: 2, high: 3, fuller: 1 });
    expect(tasksPerAz(4, 1)).to.deep.equal({ low: 4, high: 4, fuller: 0 });
    expect(tasksCell(tasksPerAz(7, 3))).to.equal("2-3 tasks");
    expect(tasksCell(tasksPerAz(2, 3))).to.equal("0-1 task");
    expect(tasksCell(tasksPerAz(6, 3))).to.equal("2 tasks");
  });
});
