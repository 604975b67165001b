/**
 * AWS WAF in front of the load balancer: a REGIONAL web ACL associated with the ALB, logging to
 * CloudWatch Logs with the Authorization header redacted.
 *
 * Rules, in evaluation order (lowest priority number first; a block ends the evaluation):
 * 0. a rate-based rule per source IP (`rateLimit` requests in 5 minutes), so one client cannot
 *    flood the fleet before the service's own per-account and per-client buckets apply;
 * 1. AWS managed Amazon IP reputation list (known malicious sources);
 * 2. AWS managed Known bad inputs (Log4j-style and other exploit payloads);
 * 3. AWS managed Core rule set (OWASP-style request checks), with its SizeRestrictions_BODY rule
 *    (which blocks any body over 8 KB) set to count: the body limit is the service's, rule 4;
 * 4. declared body larger than the service's limit (Content-Length), blocked.
 * The default action is allow: the WAF removes bad traffic, the token checks decide who may call.
 *
 * Sources: AWS WAF Developer Guide ("AWS Managed Rules rule groups list", "Baseline rule groups":
 * SizeRestrictions_BODY inspects for bodies over 8 KB; "Managing body inspection size limits":
 * fixed at 8 KB for an ALB; "Logging web ACL traffic": the destination's name must start with
 * aws-waf-logs-, a CloudWatch Logs destination needs a resource policy that lets
 * delivery.logs.amazonaws.com write to it). The log group's resource policy is managed here, so WAF
 * does not grow the account-wide AWSWAF-LOGS policy (a known size limit, @pulumi/aws docs of
 * WebAclLoggingConfiguration).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_BODY_LIMIT_BYTES } from "../../services/trading-api/src/authContract";
import { retainedLogGroup } from "../shared/logGroup";
import { greaterThanPattern } from "./contentLength";

/** The managed rule groups, in priority order after the rate rule. */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"] as const;

/** The header the WAF never writes to its logs (it carries the bearer token). */
export const REDACTED_HEADER = "authorization";

/** Inputs of {@link EdgeProtection}. */
export interface EdgeProtectionArgs {
  /** The load balancer to protect. */
  readonly loadBalancerArn: pulumi.Input<string>;
  /**
   * Requests per source IP in 5 minutes before the WAF blocks it (10 to 2e9).
   * @default 30000
   */
  readonly rateLimit?: number;
  /**
   * Largest request body the service accepts, bytes; larger declared bodies are blocked.
   * @default 16384 (DEFAULT_BODY_LIMIT_BYTES of the service's auth contract)
   */
  readonly bodyLimitBytes?: number;
  /**
   * Days the WAF log group keeps events (a CloudWatch Logs retention value).
   * @default 90
   */
  readonly logRetentionDays?: pulumi.Input<number>;
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

export class EdgeProtection extends pulumi.ComponentResource {
  public readonly webAclArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: EdgeProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:edge:EdgeProtection", name, {}, opts);
    const parent = { parent: this };
    const stack = pulumi.getStack();
    const rateLimit = args.rateLimit ?? 30_000;
    const bodyLimit = args.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    const managed = MANAGED_RULE_GROUPS.map((group, index) => ({
      name: group,
      priority: index + 1,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name: group,
          ...(group === "AWSManagedRulesCommonRuleSet" ? { ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] } : {}),
        },
      },
      visibilityConfig: visibility(`${name}-${group}`),
    }));

    const acl = new aws.wafv2.WebAcl(
      `${name}-acl`,
      {
        name: `${name}-${stack}`,
        description: `Trading API edge (${stack}): IP rate limit, AWS managed rules, body limit`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: [
          {
            name: "rate-per-ip",
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
            visibilityConfig: visibility(`${name}-rate-per-ip`),
          },
          ...managed,
          {
            name: "body-over-service-limit",
            priority: managed.length + 1,
            action: { block: {} },
            statement: {
              regexMatchStatement: {
                regexString: greaterThanPattern(bodyLimit),
                fieldToMatch: { singleHeader: { name: "content-length" } },
                textTransformations: [{ priority: 0, type: "NONE" }],
              },
            },
            visibilityConfig: visibility(`${name}-body-over-service-limit`),
          },
        ],
        visibilityConfig: visibility(`${name}-acl`),
      },
      parent,
    );

    new aws.wafv2.WebAclAssociation(`${name}-alb`, { resourceArn: args.loadBalancerArn, webAclArn: acl.arn }, parent);

    const logGroup = retainedLogGroup(`${name}-waf-logs`, { name: `aws-waf-logs-${name}-${stack}`, retentionInDays: args.logRetentionDays ?? 90 }, this);
    const delivery = new aws.cloudwatch.LogResourcePolicy(
      `${name}-waf-log-delivery`,
      {
        policyName: `${name}-${stack}-waf-log-delivery`,
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WafLogDelivery",
              Effect: "Allow",
              Principal: { Service: "delivery.logs.amazonaws.com" },
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${logGroup.arn}:*`,
              Condition: {
                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:logs:${region}:${accountId}:*` },
                StringEquals: { "aws:SourceAccount": accountId },
              },
            },
          ],
        }),
      },
      parent,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-waf-logging`,
      {
        resourceArn: acl.arn,
        logDestinationConfigs: [logGroup.arn],
        redactedFields: [{ singleHeader: { name: REDACTED_HEADER } }],
      },
      { parent: this, dependsOn: [delivery] },
    );

    this.webAclArn = acl.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ webAclArn: this.webAclArn, logGroupName: this.logGroupName });
  }
}
