/**
 * The risk-reporting team's stack: it runs nothing of the trading platform, it reads it. Everything
 * it knows about the platform comes through `platformOutputs()` (a StackReference plus the typed,
 * versioned contract of stacks/outputs.ts), validated before anything here is registered:
 * - the trades table (name, ARN, index ARNs, key) for a read-only IAM role scoped to exactly it;
 * - the API endpoint, handed to the team's report job through an SSM parameter;
 * - the alarm topic, which a queue of the team's subscribes to, and the platform's composite
 *   "trading degraded" alarm, on which the team builds its own composite alarm that pages it.
 * The helper's modules need only @pulumi/pulumi and zod at run time (stacks/CONSUMERS.md), so this
 * program never loads the platform's program or components.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { platformOutputs } from "../../stacks/platformOutputs";

/** What the report job reads at start-up (one parameter, so one GetParameter call). */
export const JOB_SETTINGS_PARAMETER = "/risk-reporting/trading-platform";

export async function main() {
  const config = new pulumi.Config();
  // #region usage:platformOutputs
  // Read (and depend on) only the sections used; `role: "primary"` refuses a replica stack.
  const platform = await platformOutputs(config.require("tradingPlatformStack"), {
    role: "primary",
    sections: ["cluster", "dynamo", "observability"],
  });
  const { cluster, dynamo, observability } = platform.outputs;
  // #endregion usage:platformOutputs

  // Read-only access to the trades table and its indexes, nothing else of the account's tables.
  const role = new aws.iam.Role("report-job", {
    description: "Risk-reporting job: reads the trading platform's trades table",
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
  });
  new aws.iam.RolePolicy("report-job-read-trades", {
    role: role.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadTrades",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"],
          Resource: pulumi.all([dynamo.tableArn, dynamo.indexArns]).apply(([table, indexes]) => [table, ...indexes]),
        },
        {
          // The table is encrypted with the platform's customer-managed key: usable only through DynamoDB.
          Sid: "DecryptThroughDynamoDb",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:DescribeKey"],
          Resource: dynamo.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`dynamodb.${dynamo.region}.amazonaws.com` } },
        },
      ],
    }),
  });

  // Where the job finds the API and the table: read at start-up, so a platform redeploy that moves
  // the load balancer reaches the job with this stack's next `pulumi up`, not a code change.
  new aws.ssm.Parameter("job-settings", {
    name: JOB_SETTINGS_PARAMETER,
    type: "String",
    description: "Trading platform endpoints the risk-reporting job uses (from its outputs contract)",
    insecureValue: pulumi.jsonStringify({ apiEndpoint: cluster.endpoint, tableName: dynamo.tableName, region: dynamo.region }),
  });

  // Every platform alarm transition (ALARM and OK) lands in the team's queue, kept 14 days. SSE-SQS,
  // not a KMS key: SNS can deliver to it without a key grant.
  const queue = new aws.sqs.Queue("platform-alarms", { messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
  new aws.sqs.QueuePolicy("platform-alarms", {
    queueUrl: queue.url,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PlatformAlarmTopicOnly",
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": observability.alarmTopicArn } },
        },
      ],
    }),
  });
  new aws.sns.TopicSubscription("platform-alarms", {
    topic: observability.alarmTopicArn,
    protocol: "sqs",
    endpoint: queue.arn,
    rawMessageDelivery: true,
  });

  // The team's own page: its composite alarm is in ALARM while the platform's "trading degraded" is
  // (a composite alarm may watch alarms of its own account and region only). The topic is not
  // encrypted with the AWS-managed alias/aws/sns key: its key policy cannot admit CloudWatch, so
  // alarms could not publish; the messages carry alarm names and states, nothing secret.
  const pages = new aws.sns.Topic("pages");
  new aws.sns.TopicSubscription("pages-email", { topic: pages.arn, protocol: "email", endpoint: config.require("pagerEmail") });
  const degraded = new aws.cloudwatch.CompositeAlarm("trading-degraded", {
    alarmName: "risk-reporting-trading-platform-degraded",
    alarmDescription: pulumi.interpolate`The trading platform (${platform.stack}) is degraded: reports may be late or incomplete`,
    alarmRule: pulumi.interpolate`ALARM("${observability.degradedAlarmName}")`,
    alarmActions: [pages.arn],
    okActions: [pages.arn],
  });

  // Plain values are known before anything is registered: they can shape the program.
  pulumi.log.info(`reading ${platform.stack}: ${platform.values.environment} in ${platform.values.region}, contract ${platform.values.contractVersion}`);
  return {
    tradingApi: cluster.endpoint,
    tradesTable: dynamo.tableName,
    reportJobRoleArn: role.arn,
    platformAlarmQueueUrl: queue.url,
    degradedAlarmName: degraded.alarmName,
  };
}
