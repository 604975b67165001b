// Shared fixtures of the security rule tests (moved from tests/policy/security.test.ts when each rule got its own test file).
import { aurora, autoScalingGroup, cache, dax, dynamoTable, launchTemplate, loadBalancer, network, T } from "../support/builders";
import { Fixture, FixtureResource } from "../support/fixture";

export const AZS = ["use1-az1", "use1-az2", "use1-az4"];

/** An HTTPS listener and an HTTP listener that redirects, on `lb`. */
export function listeners(fx: Fixture, lb: FixtureResource, http: Record<string, unknown>[] = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]): FixtureResource {
  const https = fx.add(T.listener, "https", {
    loadBalancerArn: fx.ref(lb, "arn"),
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
    defaultActions: VERIFY_THEN_FORWARD,
  });
  fx.add(T.listener, "http", { loadBalancerArn: fx.ref(lb, "arn"), port: 80, protocol: "HTTP", defaultActions: http });
  return https;
}

export const JWT = { type: "jwt-validation", order: 1, jwtValidation: { issuer: "https://issuer.example.com", jwksEndpoint: "https://issuer.example.com/jwks" } };

export const VERIFY_THEN_FORWARD = [JWT, { type: "forward", order: 2, targetGroupArn: "tg" }];

/** A REGIONAL web ACL associated with `lb`. */
export function waf(fx: Fixture, lb: FixtureResource, scope = "REGIONAL"): FixtureResource {
  const acl = fx.add(T.webAcl, "acl", { scope, defaultAction: { allow: {} } });
  fx.add(T.webAclAssociation, "acl-alb", { resourceArn: fx.ref(lb, "arn"), webAclArn: fx.ref(acl, "arn") });
  return acl;
}

/** A compliant stack touching every security rule. */
export function secureStack(fx: Fixture): { albSg: FixtureResource; appSg: FixtureResource; alb: FixtureResource } {
  const net = network(fx, AZS);
  const albSg = fx.add(T.sg, "alb-sg", { vpcId: fx.ref(net.vpc) });
  const appSg = fx.add(T.sg, "app-sg", { vpcId: fx.ref(net.vpc) });
  for (const port of [80, 443]) {
    fx.add(T.ingress, `alb-in-${port}`, { securityGroupId: fx.ref(albSg), ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" });
  }
  fx.add(T.ingress, "app-in", { securityGroupId: fx.ref(appSg), ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: fx.ref(albSg) });
  const alb = loadBalancer(fx, net.subnets.public, { securityGroups: [fx.ref(albSg)] });
  listeners(fx, alb);
  waf(fx, alb);
  autoScalingGroup(fx, net.subnets.app, launchTemplate(fx));
  const db = aurora(fx, AZS, { dbClusterParameterGroupName: "tls-only" });
  fx.add(T.rdsClusterParams, "tls-only", { name: "tls-only", family: "aurora-postgresql16", parameters: [{ name: "rds.force_ssl", value: "1" }] });
  void db;
  cache(fx, AZS);
  dax(fx, AZS);
  dynamoTable(fx);
  const bucket = fx.add(T.bucket, "logs", { bucket: "logs" });
  fx.add(T.bucketSse, "logs-sse", { bucket: fx.ref(bucket), rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
  const artifacts = fx.add(T.bucket, "artifacts", { bucket: "artifacts" });
  fx.add(T.bucketSse, "artifacts-sse", { bucket: fx.ref(artifacts), rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] });
  fx.add(T.bucketObject, "artifact", { bucket: fx.ref(artifacts), key: "app/main.js" });
  fx.add(T.bucketLogging, "artifacts-logging", { bucket: fx.ref(artifacts), targetBucket: fx.ref(bucket), targetPrefix: "s3/artifacts/" });
  for (const b of [bucket, artifacts]) {
    fx.add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${b.name}-pab`, {
      bucket: fx.ref(b),
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    });
  }
  const flowLogs = fx.add(T.logGroup, "flow-logs", { retentionInDays: 365 });
  fx.add(T.flowLog, "flow-log", { vpcId: fx.ref(net.vpc), logDestinationType: "cloud-watch-logs", logDestination: fx.ref(flowLogs, "arn"), trafficType: "ALL" });
  fx.add(T.rolePolicy, "scoped", {
    role: "r",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:1:table/t" }] }),
  });
  return { albSg, appSg, alb };
}
