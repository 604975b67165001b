/**
 * The front door: an internet-facing Application Load Balancer in the public subnets with its
 * access-log bucket, the target group the ASG registers into, and the listeners.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HEALTH_PATH } from "../../services/trading-api/src/contract";
import type { ApiAuthentication } from "../edge/authentication";
import { listenerAuthRules, verifyThenForward } from "../edge/listenerAuth";
import { privateBucket } from "../shared/privateBucket";
import { ALB_LISTENER_PORTS } from "./securityGroups";

/**
 * TLS 1.3 with a TLS 1.2 fallback for older trading clients, and hybrid post-quantum key exchange
 * (ML-KEM) for clients that offer it. Chosen for issue 14 (2026) from the Elastic Load Balancing
 * User Guide, "Security policies for your Application Load Balancer": "AWS recommends implementing
 * the new post-quantum TLS (PQ-TLS) based security policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
 * (also the console's default), which keeps TLS 1.2-only and TLS 1.3-only clients working. The
 * previous choice, ELBSecurityPolicy-TLS13-1-2-2021-06, has no post-quantum key exchange.
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** Prefix of the ALB's access logs in their bucket (AWS appends AWSLogs/<account>/...). */
const ACCESS_LOG_PREFIX = "alb";

/** The JWKS endpoint is an https URL (components/edge/authentication.ts). */
const JWKS_PORT = 443;

/** Inputs of {@link loadBalancer}: TradingClusterArgs' fields, defaults applied. */
export interface LoadBalancerArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<string>[];
  readonly albSecurityGroupId: pulumi.Input<string>;
  /** The account that owns the bucket the logs go to. */
  readonly accountId: pulumi.Input<string>;
  readonly appPort: number;
  /** `instance` for the EC2 group, `ip` for Fargate tasks (awsvpc: each task is its own ENI). */
  readonly targetType: "instance" | "ip";
  readonly deregistrationDelaySeconds: pulumi.Input<number>;
  readonly accessLogRetentionDays: pulumi.Input<number>;
  readonly deletionProtection: boolean;
  /** With it, HTTPS forwards and HTTP only redirects; without it (dev) HTTP forwards. */
  readonly certificateArn?: string;
  /** Let a destroy delete the log bucket with its logs (disposable stacks). */
  readonly forceDestroy: boolean;
  /** The token issuer: the HTTPS listener verifies a JWT before it forwards (components/edge/listenerAuth.ts). */
  readonly authentication?: ApiAuthentication;
}

export interface LoadBalancer {
  readonly alb: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** The listeners (and rules) that forward to the target group. */
  readonly listeners: pulumi.Resource[];
}

/** Registers the access-log bucket, the ALB, the target group and the listeners under `scope`. */
export function loadBalancer(scope: pulumi.Resource, name: string, args: LoadBalancerArgs): LoadBalancer {
  const parent = { parent: scope };
  // The region's Elastic Load Balancing account writes the access logs.
  const elbAccount = aws.elb.getServiceAccountOutput({}, parent);
  const { bucket: logBucket, policy: logBucketPolicy } = privateBucket(
    `${name}-alb-logs`,
    {
      // ALB log delivery supports SSE-S3 only.
      sse: { sseAlgorithm: "AES256" },
      expirationDays: args.accessLogRetentionDays,
      forceDestroy: args.forceDestroy,
      statements: (bucketArn) => [
        {
          Sid: "AlbLogDelivery",
          Effect: "Allow",
          Principal: { AWS: elbAccount.arn },
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${bucketArn}/${ACCESS_LOG_PREFIX}/AWSLogs/${args.accountId}/*`,
        },
      ],
    },
    scope,
  );

  const alb = new aws.lb.LoadBalancer(
    `${name}-alb`,
    {
      loadBalancerType: "application",
      internal: false,
      subnets: args.publicSubnetIds,
      securityGroups: [args.albSecurityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: args.deletionProtection,
      // Always on for ALBs; stated so the intent is visible to readers and policy checks.
      enableCrossZoneLoadBalancing: true,
      accessLogs: { bucket: logBucket.id, prefix: ACCESS_LOG_PREFIX, enabled: true },
    },
    { parent: scope, dependsOn: [logBucketPolicy] },
  );

  const targetGroup = new aws.lb.TargetGroup(
    `${name}-api`,
    {
      vpcId: args.vpcId,
      targetType: args.targetType,
      port: args.appPort,
      protocol: "HTTP",
      deregistrationDelay: args.deregistrationDelaySeconds,
      loadBalancingCrossZoneEnabled: "true",
      healthCheck: {
        enabled: true,
        // Shallow (process alive), not readiness: the group replaces instances on this check, and a
        // readiness that follows DAX/DynamoDB would fail everywhere at once during a DAX failover or
        // throttling (see HEALTH_PATH). Readiness stays for the drain and the alarms.
        path: HEALTH_PATH,
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200",
        // Out of rotation ~10 s after the process stops answering.
        interval: 5,
        timeout: 3,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    },
    parent,
  );

  const forwarding = listeners(scope, name, alb, targetGroup, args.albSecurityGroupId, args.certificateArn, args.authentication);
  return { alb, targetGroup, listeners: forwarding };
}

/**
 * The one egress the load balancer's own group needs beyond the app port: HTTPS to the token
 * issuer, because with a jwt-validation action the ALB itself fetches the issuer's JWKS.
 *
 * - ELB User Guide, "Verify JWTs using an Application Load Balancer"
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html):
 *   "The load balancer acquires the public key published by the IdP in a well-known location that
 *   you configure", and the JWKS endpoint "must be publicly accessible". The page says nothing that
 *   exempts this fetch from the load balancer's security group.
 * - For the ALB's other IdP calls (authenticate-oidc/cognito) AWS documents that the load
 *   balancer's security group must allow outbound HTTPS to the IdP, or requests get HTTP 500
 *   (AWS re:Post knowledge center, "elb-configure-authentication-alb",
 *   https://repost.aws/knowledge-center/elb-configure-authentication-alb: "Add an outbound rule to
 *   allow traffic to the IdP endpoints over HTTPS (port 443)"; ELB User Guide, "Authenticate users
 *   using an Application Load Balancer"). The JWKS fetch is the same kind of outbound call.
 *
 * 0.0.0.0/0 because the endpoint is a public DNS name with no fixed address range: Cognito's
 * `cognito-idp.<region>.amazonaws.com` is behind AWS's shared public ranges and an external
 * issuer's JWKS is wherever its operator hosts it. Port 443 only, and only on a listener that
 * verifies JWTs (there is no jwt-validation on an HTTP listener, so dev has no such rule).
 */
function jwksEgress(scope: pulumi.Resource, name: string, albSecurityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupEgressRule {
  return new aws.vpc.SecurityGroupEgressRule(
    `${name}-alb-out-jwks`,
    {
      securityGroupId: albSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: JWKS_PORT,
      toPort: JWKS_PORT,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTPS to the token issuer's JWKS endpoint (listener jwt-validation)",
    },
    { parent: scope },
  );
}

function listeners(
  scope: pulumi.Resource,
  name: string,
  alb: aws.lb.LoadBalancer,
  targetGroup: aws.lb.TargetGroup,
  albSecurityGroupId: pulumi.Input<string>,
  certificateArn: string | undefined,
  authentication: ApiAuthentication | undefined,
): pulumi.Resource[] {
  const parent = { parent: scope };
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  if (certificateArn) {
    // Verifying listener: the group lets the ALB reach the JWKS before the listener starts verifying.
    const egress = authentication ? [jwksEgress(scope, name, albSecurityGroupId)] : [];
    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: ALB_LISTENER_PORTS.https,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn,
        defaultActions: authentication ? verifyThenForward(authentication, targetGroup.arn) : forward,
      },
      { parent: scope, dependsOn: egress },
    );
    if (authentication) listenerAuthRules(scope, name, https, targetGroup.arn, authentication);
    const http = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: ALB_LISTENER_PORTS.http,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: String(ALB_LISTENER_PORTS.https), statusCode: "HTTP_301" },
          },
        ],
      },
      parent,
    );
    return [https, http];
  } else {
    // No certificate (dev only; the config refuses this in prod): plain HTTP, flagged by policy.
    // jwt-validation exists only on HTTPS listeners, so here the service's own check is the only one.
    return [
      new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: alb.arn, port: ALB_LISTENER_PORTS.http, protocol: "HTTP", defaultActions: forward },
        parent,
      ),
    ];
  }
}
