// The plan's diagram (offline/plan/mermaid.ts) draws the fleet the stack has: an Auto Scaling
// group's instances on ec2, the ECS service's tasks on fargate, in each AZ of their subnets, fed by
// the ALB and leaving through their AZ's NAT.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { replicaStacksOf } from "../../../offline/plan/mermaid";
import { plannedFargateStack, plannedStack } from "./support";

describe("plan: the diagram's fleet follows the compute platform", function () {
  this.timeout(120_000);

  it("fargate (prod-us-east-1): ECS tasks in each AZ's app subnet, with the matrix's count, fed by the ALB; no instances", async () => {
    const p = await plannedFargateStack("prod-us-east-1");
    expect(p.mermaid).to.not.include("EC2 instances").and.not.include("no instances");
    for (const az of p.azMatrix.azIds) {
      const node = `ecs_trading_api_${az.replace(/-/g, "_")}`;
      expect(p.mermaid).to.include(`${node}["ECS tasks<br/>service trading-api<br/>1 task"]`);
      expect(p.mermaid).to.match(new RegExp(`lb_trading_alb --> ${node}\\n`));
      expect(p.mermaid).to.include(`${node} --> data_${az.replace(/-/g, "_")}`);
      expect(p.mermaid).to.match(new RegExp(`${node} -\\.->\\|"egress"\\| nat_`));
    }
  });

  it("ec2 (prod-us-east-1): the group's instances, as before", async () => {
    const p = await plannedStack("prod-us-east-1");
    expect(p.mermaid).to.include("EC2 instances").and.not.include("ECS tasks");
  });
});

describe("plan: the diagram's replica regions", () => {
  it("come from the stack files naming the stack as primary; an unreadable stack file is left out, not fatal", () => {
    const root = mkdtempSync(path.join(tmpdir(), "replicas-"));
    try {
      writeFileSync(path.join(root, "Pulumi.yaml"), "name: trading-platform\nruntime: nodejs\n");
      writeFileSync(path.join(root, "Pulumi.east.yaml"), "config:\n  aws:region: us-east-1\n");
      writeFileSync(path.join(root, "Pulumi.west.yaml"), "config:\n  aws:region: eu-west-1\n  trading-platform:primaryStack: org/trading-platform/east\n");
      writeFileSync(path.join(root, "Pulumi.broken.yaml"), "config:\n  trading-platform:role: primary: yes\n");
      expect(replicaStacksOf("east", root)).to.deep.equal([{ stack: "west", region: "eu-west-1" }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
