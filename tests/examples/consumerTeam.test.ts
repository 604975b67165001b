import { expect } from "chai";
import { JOB_SETTINGS_PARAMETER, main } from "../../examples/consumer-team/main";
import { ProgramRunFailure, type StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { exampleConfig, exampleCost, exampleReadme, formatUsd, runExample } from "./support";

const PLATFORM_STACK = exampleConfig("consumer-team", "prod")["risk-reporting:tradingPlatformStack"];

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const statements = (policy: unknown): Statement[] => (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;

describe("examples/consumer-team", function () {
  this.timeout(180_000);
  // The StackReference's value is what a real `pulumi up` of prod-us-east-1 exports.
  let primary: Record<string, unknown>;
  let run: StackRun;

  before(async () => {
    primary = (await deployedStackRun("prod-us-east-1")).outputs;
    run = await runExample("consumer-team", "prod", main, { stackReferences: { [PLATFORM_STACK]: primary } });
  });

  const section = (name: string): Record<string, unknown> => primary[name] as Record<string, unknown>;

  it("builds on values read through a StackReference to the stack it names", () => {
    // The mock cloud answers a StackReference only for the stack names it was given (here just the
    // primary), and a StackReference is read, not registered: it shows as the resources' dependency.
    expect(PLATFORM_STACK).to.equal("acme-markets/trading-platform/prod-us-east-1");
    const reference = `pulumi:pulumi:StackReference::${PLATFORM_STACK}`;
    for (const [type, property] of [
      ["aws:iam/rolePolicy:RolePolicy", "policy"],
      ["aws:ssm/parameter:Parameter", "insecureValue"],
      ["aws:cloudwatch/compositeAlarm:CompositeAlarm", "alarmRule"],
    ]) {
      const dependencies = run.single(type).propertyDependencies[property] ?? [];
      expect(dependencies.some((urn) => urn.endsWith(reference)), `${type} ${property}`).to.equal(true);
    }
  });

  it("scopes its IAM policy to the platform's table and indexes, and its key through DynamoDB only", () => {
    const dynamo = section("dynamo");
    const [read, decrypt] = statements(run.single("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    expect(read.Resource).to.deep.equal([dynamo.tableArn, ...(dynamo.indexArns as string[])]);
    expect(read.Action).to.not.include("dynamodb:PutItem");
    expect(decrypt.Resource).to.equal(dynamo.kmsKeyArn);
    expect(decrypt.Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } });
  });

  it("hands its job the platform's API endpoint and table name", () => {
    const parameter = run.single("aws:ssm/parameter:Parameter");
    expect(parameter.inputs.name).to.equal(JOB_SETTINGS_PARAMETER);
    expect(JSON.parse(String(parameter.inputs.insecureValue))).to.deep.equal({
      apiEndpoint: section("cluster").endpoint,
      tableName: section("dynamo").tableName,
      region: "us-east-1",
    });
    expect(run.outputs.tradingApi).to.equal(section("cluster").endpoint);
    expect(String(run.outputs.tradingApi)).to.match(/^https:\/\//);
  });

  it("subscribes its queue to the platform's alarm topic, and only that topic may send to it", () => {
    const alarmTopicArn = section("observability").alarmTopicArn;
    const queue = run.single("aws:sqs/queue:Queue");
    const subscription = run.single("aws:sns/topicSubscription:TopicSubscription", (s) => s.inputs.protocol === "sqs");
    expect(subscription.inputs).to.include({ topic: alarmTopicArn, endpoint: queue.outputs.arn, rawMessageDelivery: true });
    const [send] = statements(run.single("aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
    expect(send.Condition).to.deep.equal({ ArnEquals: { "aws:SourceArn": alarmTopicArn } });
  });

  it("builds its own composite alarm on the platform's degraded alarm, paging its own topic", () => {
    const alarm = run.single("aws:cloudwatch/compositeAlarm:CompositeAlarm");
    expect(alarm.inputs.alarmRule).to.equal(`ALARM("${section("observability").degradedAlarmName}")`);
    const pages = run.single("aws:sns/topic:Topic");
    expect(alarm.inputs.alarmActions).to.deep.equal([pages.outputs.arn]);
  });

  it("fails before registering anything when the platform stack lacks a section it reads", async () => {
    const { observability: _dropped, ...older } = primary;
    let failure: unknown;
    try {
      await runExample("consumer-team", "prod", main, { stackReferences: { [PLATFORM_STACK]: older } });
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(ProgramRunFailure);
    const { error, registered } = failure as ProgramRunFailure;
    expect(error.message).to.contain('output "observability" is missing');
    expect(registered.filter((r) => r.custom && !r.type.startsWith("pulumi:"))).to.deep.equal([]);
  });

  it("states in its README the monthly cost the offline plan computes", () => {
    const cost = exampleCost(run, "us-east-1");
    expect(exampleReadme("consumer-team")).to.contain(`**${formatUsd(cost.minimum.totalMonthlyUsd)} a month**`);
  });
});
