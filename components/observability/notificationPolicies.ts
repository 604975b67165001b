/**
 * The resource policies of the alarm topic and its KMS key, as pure functions of the ARNs involved,
 * so that who may publish is unit tested.
 *
 * An encrypted topic needs both: the topic policy decides who may call sns:Publish, the key policy
 * whether the publisher's service may have SNS encrypt with the key. For AWS services that publish
 * events, the SNS developer guide ("Enable compatibility between event sources from AWS services and
 * encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services)
 * requires a customer managed key whose policy gives the service principal kms:GenerateDataKey* and
 * kms:Decrypt; an AWS managed key (alias/aws/sns) cannot be given to them, and alarms published to
 * such a topic are dropped. EventBridge additionally needs sns:Publish in the topic policy
 * (AWS knowledge center, "Why isn't my Amazon SNS topic receiving Amazon EventBridge
 * notifications?"). The key statements carry no condition keys: the SNS guide's statement has none,
 * and a condition the service's request does not carry would drop every notification silently;
 * the topic policy is where publishers are narrowed (this account's alarms, this stack's rule).
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS: string | string[] } | { Service: string };
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The service principals that publish to the alarm topic. */
export const PUBLISHING_SERVICES = {
  alarms: "cloudwatch.amazonaws.com",
  events: "events.amazonaws.com",
} as const;

export interface AccountRef {
  partition: string;
  region: string;
  accountId: string;
}

/** Key policy of the topic's customer managed key. */
export function alarmTopicKeyPolicy(account: AccountRef): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // The default key policy statement: without it no IAM policy of the account could manage the key.
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${account.partition}:iam::${account.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchAlarmsEncrypt",
        Effect: "Allow",
        Principal: { Service: PUBLISHING_SERVICES.alarms },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
      {
        Sid: "InstanceRefreshEventsEncrypt",
        Effect: "Allow",
        Principal: { Service: PUBLISHING_SERVICES.events },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
    ],
  };
}

/**
 * Topic policy: the account manages the topic; this account's alarms and the stack's event rules
 * publish; the accounts in `subscriberAccountIds` (another team's paging, in its own account) may
 * subscribe and nothing else: a statement naming the accounts as principals and the one topic
 * action granted, the form the SNS developer guide gives for granting an AWS account a topic action
 * ("Example cases for Amazon SNS access control", Grant AWS account access to a topic,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
 */
export function alarmTopicPolicy(
  account: AccountRef,
  topicArn: string,
  eventRuleArns: readonly string[],
  subscriberAccountIds: readonly string[] = [],
): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "AccountManagesTopic",
      Effect: "Allow",
      Principal: { AWS: `arn:${account.partition}:iam::${account.accountId}:root` },
      Action: [
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:AddPermission",
        "sns:RemovePermission",
        "sns:DeleteTopic",
        "sns:Subscribe",
        "sns:ListSubscriptionsByTopic",
        "sns:Publish",
      ],
      Resource: topicArn,
    },
    {
      Sid: "ThisAccountsAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: PUBLISHING_SERVICES.alarms },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": account.accountId },
        ArnLike: { "aws:SourceArn": `arn:${account.partition}:cloudwatch:${account.region}:${account.accountId}:alarm:*` },
      },
    },
  ];
  if (eventRuleArns.length > 0) {
    statements.push({
      Sid: "StackEventRulesPublish",
      Effect: "Allow",
      Principal: { Service: PUBLISHING_SERVICES.events },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { ArnEquals: { "aws:SourceArn": [...eventRuleArns] } },
    });
  }
  if (subscriberAccountIds.length > 0) {
    statements.push({
      Sid: "OtherAccountsSubscribe",
      Effect: "Allow",
      Principal: { AWS: subscriberAccountIds.map((id) => `arn:${account.partition}:iam::${id}:root`) },
      Action: "sns:Subscribe",
      Resource: topicArn,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
