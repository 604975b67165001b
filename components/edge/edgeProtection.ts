/**
 * AWS WAF in front of the load balancer: a REGIONAL web ACL associated with the ALB, logging to
 * CloudWatch Logs with the Authorization header redacted.
 *
 * Rules, in evaluation order (lowest priority number first; a block ends the evaluation):
 * 0. a rate-based rule per source IP (`rateLimit` requests in 5 minutes), so one client cannot
 *    flood the fleet before the service's own per-account and per-client buckets apply;
 * 1. AWS managed Amazon IP reputation list (known malicious sources);
 * 2. AWS managed Known bad inputs (Log4j-style and other exploit payloads);
 * 3. AWS managed Core rule set (OWASP-style request checks), with two rules set to count
 *    ({@link CRS_COUNTED_RULES}): SizeRestrictions_BODY (which blocks any body over 8 KB; the body
 *    limit is the service's, rule 4) and NoUserAgent_HEADER (which blocks any request without a
 *    User-Agent header; see CRS_COUNTED_RULES for why a machine-to-machine API does not);
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

/**
 * Rules of AWSManagedRulesCommonRuleSet whose Block is overridden to Count: they still match, label
 * the request and show in the WAF's metrics and logs, but do not block. Every other rule of the
 * managed groups keeps AWS's action.
 *
 * - SizeRestrictions_BODY: blocks bodies over 8 KB; the service's own limit is larger and enforced
 *   by rule 4 of the web ACL.
 * - NoUserAgent_HEADER: AWS WAF Developer Guide, "Baseline rule groups", Core rule set
 *   (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html):
 *   "Inspects for requests that are missing the HTTP User-Agent header. Rule action: Block. Label:
 *   awswaf:managed:aws:core-rule-set:NoUserAgent_Header". The page says the CRS holds rules
 *   "generally applicable to web applications"; this API is called by trading systems, not
 *   browsers. A User-Agent proves nothing (any client can send any string), every forwarded request
 *   carries a JWT the load balancer and then the service verify, and an HTTP client library that
 *   sends no User-Agent unless told to would get a WAF 403 that looks like an authorisation failure.
 *   Counting keeps the signal (the label and the rule's count metric) without refusing an
 *   authenticated order. The other CRS header rules (e.g. UserAgent_BadBots_HEADER, which matches
 *   scanner user agents) still block.
 */
export const CRS_COUNTED_RULES = ["SizeRestrictions_BODY", "NoUserAgent_HEADER"] as const;

/**
 * Headers the WAF never writes to its logs: Authorization carries the bearer token, and Cookie any
 * session a client library keeps (the API uses none, but a client may still send one).
 */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

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
  /** ARN of the REGIONAL web ACL associated with the load balancer. */
  public readonly webAclArn: pulumi.Output<string>;
  /** The WAF's log group (`aws-waf-logs-...`), Authorization header redacted. */
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
          ...(group === "AWSManagedRulesCommonRuleSet" ? { ruleActionOverrides: CRS_COUNTED_RULES.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
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
        redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
      },
      { parent: this, dependsOn: [delivery] },
    );

    this.webAclArn = acl.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ webAclArn: this.webAclArn, logGroupName: this.logGroupName });
  }
}
