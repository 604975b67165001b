// fargate-task-size-allowed: a Fargate task size outside the allow-list is reported; EC2-only task definitions are not judged.
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";

describe("fargate-task-size-allowed", () => {
  it("passes an allowed size and reports another", async () => {
    const fx = new Fixture();
    fx.add(TASK, "api", { family: "api", requiresCompatibilities: ["FARGATE"], cpu: "1024", memory: "2048", containerDefinitions: "[]" });
    fx.add(TASK, "big", { family: "big", requiresCompatibilities: ["FARGATE"], cpu: "16384", memory: "122880", containerDefinitions: "[]" });
    fx.add(TASK, "ec2", { family: "ec2", requiresCompatibilities: ["EC2"], cpu: "16384", memory: "122880", containerDefinitions: "[]" });
    expect(messagesOf(await evaluate(costPack, fx, BUDGET), "fargate-task-size-allowed")).to.deep.equal([
      "Fargate task definition big has size 16384/122880 (cpu/memory MiB), which is not allowed (allowed: 512/1024, 512/2048, 1024/2048, 1024/4096, 2048/4096, 2048/8192, 4096/8192, 4096/16384)",
    ]);
  });
});
