/**
 * CloudWatch log groups the components create for what they run, and the log actions a writer of one
 * is granted.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Creating a stream in the group and writing events to it: what a process that logs needs. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** {@link LOG_WRITE_ACTIONS} plus listing the group's streams (agents that resume a stream need it). */
export const LOG_WRITE_AND_DESCRIBE_ACTIONS = [...LOG_WRITE_ACTIONS, "logs:DescribeLogStreams"] as const;

/** `<group ARN>:*`, every stream of the group: what the stream-level log actions are authorised on. */
export function logStreamsArn(logGroupArn: string): string;
export function logStreamsArn(logGroupArn: pulumi.Input<string>): pulumi.Output<string>;
export function logStreamsArn(logGroupArn: pulumi.Input<string>): string | pulumi.Output<string> {
  return typeof logGroupArn === "string" ? `${logGroupArn}:*` : pulumi.interpolate`${logGroupArn}:*`;
}

/** Where the group's name comes from: a fixed name, or a prefix AWS completes. */
export type LogGroupName = { readonly name: pulumi.Input<string> } | { readonly namePrefix: pulumi.Input<string> };

/** Inputs of {@link retainedLogGroup}. */
export type RetainedLogGroupArgs = LogGroupName & {
  /**
   * Days events are kept, a CloudWatch Logs retention value. Not optional: a group without one
   * keeps its events forever (AWS CloudWatch Logs API Reference, PutRetentionPolicy), and is paid
   * for forever.
   */
  readonly retentionInDays: pulumi.Input<number>;
};

/**
 * A log group with a retention, registered under `scope`. Creating the group before the service that
 * writes to it is what sets the retention: a service that creates its own group on first write
 * (RDS, Lambda) gives it none.
 */
export function retainedLogGroup(
  resourceName: string,
  args: RetainedLogGroupArgs,
  scope: pulumi.Resource,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(resourceName, { ...args }, { parent: scope });
}
