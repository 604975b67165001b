import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmTopicKeyPolicy, alarmTopicPolicy } from "./notificationPolicies";

/** Inputs of AlarmTopic. */
export interface AlarmTopicArgs {
  /** Topic name (unique per account and region), e.g. "trading-prod-us-east-1-alarms". Required. */
  topicName: string;
  /** Email addresses to subscribe; each receives a confirmation mail from AWS. Default none. */
  emailAddresses?: string[];
  /** HTTPS endpoints to subscribe (paging or chat webhooks); each must confirm. Default none. */
  httpsEndpoints?: string[];
  /** ARNs of this stack's EventBridge rules allowed to publish. Default none. */
  eventRuleArns?: pulumi.Input<string>[];
  /** Other AWS accounts (12-digit ids) whose principals may subscribe to the topic. Default none. */
  subscriberAccountIds?: string[];
}

/**
 * The stack's one notification path: an SNS topic encrypted with its own customer managed key
 * (rotated), whose key and topic policies let this account's CloudWatch alarms and this stack's
 * EventBridge rules publish, with the configured email and HTTPS subscriptions.
 */
export class AlarmTopic extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly topicName: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:observability:AlarmTopic", name, {}, opts);
    const parent = { parent: this };
    const account = pulumi
      .all([aws.getPartitionOutput({}, parent).partition, aws.getRegionOutput({}, parent).region, aws.getCallerIdentityOutput({}, parent).accountId])
      .apply(([partition, region, accountId]) => ({ partition, region, accountId }));

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts alarm notifications on SNS topic ${args.topicName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: account.apply((a) => JSON.stringify(alarmTopicKeyPolicy(a))),
      },
      parent,
    );
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: args.topicName, displayName: "Trading platform alarms", kmsMasterKeyId: key.arn },
      parent,
    );
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        arn: topic.arn,
        policy: pulumi
          .all([account, topic.arn, pulumi.all(args.eventRuleArns ?? [])])
          .apply(([a, topicArn, ruleArns]) => JSON.stringify(alarmTopicPolicy(a, topicArn, ruleArns, args.subscriberAccountIds ?? []))),
      },
      parent,
    );
    const subscriptions = [
      ...(args.emailAddresses ?? []).map((endpoint) => ({ protocol: "email", endpoint })),
      ...(args.httpsEndpoints ?? []).map((endpoint) => ({ protocol: "https", endpoint })),
    ];
    subscriptions.forEach((subscription, i) => {
      new aws.sns.TopicSubscription(
        `${name}-${subscription.protocol}-${i}`,
        {
          topic: topic.arn,
          protocol: subscription.protocol,
          endpoint: subscription.endpoint,
          // The endpoint confirms itself (email link, HTTPS SubscriptionConfirmation); the provider does not wait for it.
          endpointAutoConfirms: false,
        },
        parent,
      );
    });

    this.topicArn = topic.arn;
    this.topicName = topic.name;
    this.kmsKeyArn = key.arn;
    this.registerOutputs({ topicArn: this.topicArn, topicName: this.topicName, kmsKeyArn: this.kmsKeyArn });
  }
}
