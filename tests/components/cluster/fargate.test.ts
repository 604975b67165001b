/**
 * The Fargate path's pure parts: the stop timeout against the drain, the cursor key as versioned
 * secrets, the container definition's refusals, the image's content tag and lifecycle policy, the
 * task and execution policies, and the compute section of the outputs contract.
 */
import { expect } from "chai";
import { fargateMemoryChoices } from "../../../components/cluster/config";
import { containerDefinition, cursorSecrets, stopTimeoutSeconds } from "../../../components/cluster/fargateService";
import { artifactFromCode } from "../../../components/cluster/artifact";
import { imageTag, lifecyclePolicy } from "../../../components/cluster/image";
import { instancePolicyDocument, InstancePolicyResources } from "../../../components/cluster/instancePolicy";
import { executionPolicyDocument, taskPolicyDocument } from "../../../components/cluster/taskIdentity";
import { computeOutputsSchema } from "../../../stacks/outputs";

const RESOURCES: InstancePolicyResources = {
  region: "us-east-1",
  tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
  indexArns: ["arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-account"],
  daxClusterArn: "arn:aws:dax:us-east-1:123456789012:cache/trading",
  tableKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/table",
  artifactObjectArn: "arn:aws:s3:::artifacts/trading-api/abc/main.js",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/cluster",
  cursorSecretParameterArn: "arn:aws:ssm:us-east-1:123456789012:parameter/trading/dev/trading-api/cursor-secret",
  logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/trading/dev/trading-api",
  referenceData: {
    dbConnectArn: "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/trading_app",
    cacheReplicationGroupArn: "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:trading",
    cacheUserArn: "arn:aws:elasticache:us-east-1:123456789012:user:trading-app",
  },
};

describe("Fargate: stop timeout, secrets, container definition", () => {
  it("stops 10 s after the drain and grace, and refuses a drain Fargate's 120 s or the deregistration delay cannot hold", () => {
    expect(stopTimeoutSeconds(10_000, 20_000, 30)).to.equal(40);
    expect(() => stopTimeoutSeconds(60_000, 60_000, 300)).to.throw(/above Fargate's 120 s/);
    expect(() => stopTimeoutSeconds(10_000, 20_000, 20)).to.throw(/exceed the target group's deregistration delay \(20 s\)/);
  });

  it("pins the cursor key's current version, and the previous one during a rotation", () => {
    const arn = RESOURCES.cursorSecretParameterArn;
    expect(cursorSecrets(arn, 1)).to.deep.equal([{ name: "CURSOR_SECRET", valueFrom: `${arn}:1` }]);
    expect(cursorSecrets(arn, 3)).to.deep.equal([
      { name: "CURSOR_SECRET", valueFrom: `${arn}:3` },
      { name: "CURSOR_SECRET_PREVIOUS", valueFrom: `${arn}:2` },
    ]);
  });

  it("refuses a secret's name among the environment values", () => {
    const base = { imageUri: "r@sha256:00", port: 8080, logGroupName: "/g", region: "us-east-1", stopTimeout: 40, secrets: cursorSecrets("arn:p", 1) };
    expect(() => containerDefinition({ ...base, environment: { CURSOR_SECRET: "oops" } })).to.throw(/must reach the container as ECS secrets/);
    const ok = containerDefinition({ ...base, environment: { PORT: "8080" } });
    expect(ok).to.include({ readonlyRootFilesystem: true, privileged: false, user: "65532:65532", stopTimeout: 40 });
  });

  it("offers only the memory sizes Fargate pairs with each CPU value", () => {
    expect(fargateMemoryChoices(512)).to.deep.equal([1024, 2048, 3072, 4096]);
    expect(fargateMemoryChoices(1024)[0]).to.equal(2048);
    expect(fargateMemoryChoices(4096).at(-1)).to.equal(30720);
    expect(fargateMemoryChoices(256)).to.deep.equal([]);
  });
});

describe("Fargate: image", () => {
  it("tags by content: the same bundle and Dockerfile give the same tag, any change another", () => {
    const a = artifactFromCode("console.log(1)");
    const tag = imageTag(a, "FROM x", "*");
    expect(tag).to.match(/^[0-9a-f]{64}$/);
    expect(imageTag(artifactFromCode("console.log(1)"), "FROM x", "*")).to.equal(tag);
    expect(imageTag(artifactFromCode("console.log(2)"), "FROM x", "*")).to.not.equal(tag);
    expect(imageTag(a, "FROM y", "*")).to.not.equal(tag);
  });

  it("expires untagged images after a day and keeps the newest 20", () => {
    const rules = (JSON.parse(lifecyclePolicy()) as { rules: { rulePriority: number; selection: Record<string, unknown> }[] }).rules;
    expect(rules.map((r) => r.rulePriority)).to.deep.equal([1, 2]);
    expect(rules[0].selection).to.include({ tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 1 });
    expect(rules[1].selection).to.include({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 20 });
  });
});

describe("Fargate: task and execution policies", () => {
  it("gives the task role the instance role's data statements, identical, and nothing of the artifact, cursor key, logs or Session Manager", () => {
    const instance = instancePolicyDocument(RESOURCES).Statement;
    const task = taskPolicyDocument(RESOURCES).Statement;
    expect(task.map((s) => s.Sid)).to.deep.equal(["TableItems", "IndexQueries", "TableKeyViaDynamoDB", "DaxItems", "ReferenceDatabase", "ReferenceCache"]);
    for (const statement of task) expect(statement).to.deep.equal(instance.find((s) => s.Sid === statement.Sid));
    expect(task.some((s) => s.Resource === "*")).to.equal(false);
  });

  it("gives the execution role pull on the repository, log writes on the group and the one parameter, decryptable only through SSM", () => {
    const doc = executionPolicyDocument({
      region: "eu-west-1",
      repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/trading-api",
      logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/g",
      cursorSecretParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/p",
      kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
    });
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    expect(bySid.ImagePull.Resource).to.equal("arn:aws:ecr:eu-west-1:123456789012:repository/trading-api");
    expect(bySid.TaskLogs.Resource).to.deep.equal(["arn:aws:logs:eu-west-1:123456789012:log-group:/g", "arn:aws:logs:eu-west-1:123456789012:log-group:/g:*"]);
    expect(bySid.CursorKeySecret.Resource).to.equal("arn:aws:ssm:eu-west-1:123456789012:parameter/p");
    expect(bySid.DecryptCursorKey.Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" } });
  });
});

describe("outputs contract: the compute section", () => {
  const fargate = {
    platform: "fargate",
    ecsClusterName: "trading-api-a1b2c3d",
    ecsServiceName: "trading-api-a1b2c3d",
    imageRepositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/trading-api",
    imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/trading-api@sha256:${"a".repeat(64)}`,
    executionRoleArn: "arn:aws:iam::123456789012:role/trading-task-execution",
  };

  it("accepts each platform with its own fields", () => {
    expect(computeOutputsSchema.safeParse({ platform: "ec2", autoScalingGroupName: "trading-api" }).success).to.equal(true);
    expect(computeOutputsSchema.safeParse(fargate).success).to.equal(true);
  });

  it("refuses a platform without its fields, or with the other platform's", () => {
    const missing = computeOutputsSchema.safeParse({ platform: "ec2" });
    expect(missing.success).to.equal(false);
    expect(missing.error?.issues.map((i) => i.message)).to.deep.equal(["is required when platform is ec2"]);
    const mixed = computeOutputsSchema.safeParse({ ...fargate, autoScalingGroupName: "trading-api" });
    expect(mixed.error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`)).to.deep.equal(["autoScalingGroupName: is published on ec2 only, but platform is fargate"]);
    expect(computeOutputsSchema.safeParse({ ...fargate, imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/trading-api:latest" }).success).to.equal(false);
  });
});
