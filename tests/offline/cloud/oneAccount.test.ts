/**
 * The fake account as a shared AWS account: every stack of this repo deployed into one account
 * (dev and prod-us-east-1 share us-east-1) must not ask for a physical name another stack holds,
 * and the fake account must refuse one that is taken, as AWS does, or the first test proves nothing.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { FakeWorld } from "../../../offline/cloud/fakeAccount";
import { FakeAccount, ProgramRunFailure, runProgram, runStackFile, STACKS, type StackRun } from "../../support/mockCloud";

async function failureOf(run: Promise<StackRun>): Promise<Error> {
  try {
    await run;
  } catch (err) {
    return err instanceof ProgramRunFailure ? err.error : (err as Error);
  }
  throw new Error("the run was expected to fail but succeeded");
}

const inRegion = (region: string) => ({ "aws:region": region });

describe("one AWS account for every stack", function () {
  this.timeout(180_000);

  it("dev, prod-us-east-1 and prod-eu-west-1 deploy into one account without a physical-name collision", async () => {
    expect(STACKS).to.include.members(["dev", "prod-us-east-1", "prod-eu-west-1"]);
    const account = new FakeAccount();
    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
      // Fails with AWS's error naming the taken name when a stack asks for one another already holds.
      const run = await runStackFile(stack, { quirks: { account } });
      expect(run.resources.length, stack).to.be.greaterThan(100);
    }
  });

  it("a second `pulumi up` of the same stack into the account is an update, not a collision", async () => {
    const account = new FakeAccount();
    await runStackFile("dev", { quirks: { account } });
    await runStackFile("dev", { quirks: { account } });
  });

  describe("the fake account refuses what AWS refuses", () => {
    it("two Lambda functions of one name in one region: ResourceConflictException naming it", async () => {
      const account = new FakeAccount();
      const error = await failureOf(
        runProgram(
          async () => {
            const role = "arn:aws:iam::123456789012:role/fn";
            for (const logical of ["first", "second"]) {
              new aws.lambda.Function(logical, { name: "orders-fn", role, runtime: "nodejs22.x", handler: "index.handler" });
            }
            return {};
          },
          { stack: "dup", config: inRegion("us-east-1"), quirks: { account } },
        ),
      );
      expect(error.message).to.contain("ResourceConflictException: Function already exist: orders-fn");
    });

    it("the same function name from two stacks in one region, but not in two regions", async () => {
      const account = new FakeAccount();
      const program = async () => {
        new aws.lambda.Function("fn", { name: "orders-fn", role: "arn:aws:iam::123456789012:role/fn", runtime: "nodejs22.x", handler: "index.handler" });
        return {};
      };
      await runProgram(program, { stack: "a", config: inRegion("us-east-1"), quirks: { account } });
      await runProgram(program, { stack: "b", config: inRegion("eu-west-1"), quirks: { account } });
      const error = await failureOf(runProgram(program, { stack: "c", config: inRegion("us-east-1"), quirks: { account } }));
      expect(error.message).to.contain("Function already exist: orders-fn");
    });

    it("an IAM role name is the account's, in every region: EntityAlreadyExists", async () => {
      const account = new FakeAccount();
      const program = async () => {
        new aws.iam.Role("role", { name: "Trading-Deployer", assumeRolePolicy: "{}" });
        return {};
      };
      await runProgram(program, { stack: "a", config: inRegion("us-east-1"), quirks: { account } });
      const error = await failureOf(runProgram(program, { stack: "b", config: inRegion("eu-west-1"), quirks: { account } }));
      expect(error.message).to.contain("EntityAlreadyExists: Role with name Trading-Deployer already exists.");
    });

    it("an S3 bucket name is every account's; a Cognito prefix domain every account's in its region", async () => {
      const world = new FakeWorld();
      const ours = new FakeAccount({ world });
      const theirs = new FakeAccount({ world, accountId: "210987654321" });
      const program = async () => {
        new aws.s3.Bucket("b", { bucket: "trading-artifacts" });
        return {};
      };
      await runProgram(program, { stack: "a", config: inRegion("us-east-1"), quirks: { account: theirs } });
      const error = await failureOf(runProgram(program, { stack: "a", config: inRegion("eu-west-1"), quirks: { account: ours } }));
      expect(error.message).to.contain("BucketAlreadyExists").and.to.contain("trading-artifacts");

      const domain = async () => {
        new aws.cognito.UserPoolDomain("d", { domain: "trading-dev", userPoolId: "us-east-1_abc" });
        return {};
      };
      await runProgram(domain, { stack: "dev", config: inRegion("us-east-1"), quirks: { account: theirs } });
      await runProgram(domain, { stack: "dev", config: inRegion("eu-west-1"), quirks: { account: ours } });
      const taken = await failureOf(runProgram(domain, { stack: "dev", config: inRegion("us-east-1"), quirks: { account: ours } }));
      expect(taken.message).to.contain("InvalidParameterException: Domain already exists. (trading-dev)");
    });

    it("a name longer than the type allows (a target group's 32 characters, a DAX cluster's 20)", async () => {
      const account = new FakeAccount();
      const error = await failureOf(
        runProgram(
          async () => {
            new aws.lb.TargetGroup("tg", { name: "trading-prod-us-east-1-api-blue-x", port: 8080, protocol: "HTTP", vpcId: "vpc-1" });
            return {};
          },
          { stack: "long", config: inRegion("us-east-1"), quirks: { account } },
        ),
      );
      expect(error.message).to.contain('ValidationError: name "trading-prod-us-east-1-api-blue-x" of aws:lb/targetGroup:TargetGroup is 33 characters; AWS accepts at most 32');
      const dax = await failureOf(
        runProgram(
          async () => {
            new aws.dax.Cluster("dax", { clusterName: "trading-prod-us-east-1", nodeType: "dax.r5.large", replicationFactor: 3, iamRoleArn: "arn:aws:iam::123456789012:role/dax" });
            return {};
          },
          { stack: "long", config: inRegion("us-east-1"), quirks: { account } },
        ),
      );
      expect(dax.message).to.contain("is 22 characters; AWS accepts at most 20");
    });

    it("names the provider generates never collide; a name released by destroy can be taken again", async () => {
      const account = new FakeAccount();
      const program = async () => {
        new aws.sqs.Queue("queue", {});
        new aws.sns.Topic("alarms", { name: "trading-alarms" });
        return {};
      };
      const first = await runProgram(program, { stack: "a", config: inRegion("us-east-1"), quirks: { account } });
      const error = await failureOf(runProgram(program, { stack: "b", config: inRegion("us-east-1"), quirks: { account } }));
      expect(error.message).to.contain('SNS topic "trading-alarms" already exists').and.not.to.contain("queue");
      account.destroy("a", first.resources);
      await runProgram(program, { stack: "b", config: inRegion("us-east-1"), quirks: { account } });
    });
  });
});
