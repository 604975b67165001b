import { expect } from "chai";
import { wildcardAdminStatements } from "../../policy/lib/security/iam";
import { securityPack } from "../../policy/security/policies";
import { aurora, autoScalingGroup, cache, dax, dynamoTable, launchTemplate, loadBalancer, network, T } from "./support/builders";
import { evaluate, Fixture, FixtureResource, messagesOf, UNKNOWN, violationsOf } from "./support/fixture";

const AZS = ["use1-az1", "use1-az2", "use1-az4"];

/** An HTTPS listener and an HTTP listener that redirects, on `lb`. */
function listeners(fx: Fixture, lb: FixtureResource, http: Record<string, unknown>[] = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]): FixtureResource {
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

const JWT = { type: "jwt-validation", order: 1, jwtValidation: { issuer: "https://issuer.example.com", jwksEndpoint: "https://issuer.example.com/jwks" } };
const VERIFY_THEN_FORWARD = [JWT, { type: "forward", order: 2, targetGroupArn: "tg" }];

/** A REGIONAL web ACL associated with `lb`. */
function waf(fx: Fixture, lb: FixtureResource, scope = "REGIONAL"): FixtureResource {
  const acl = fx.add(T.webAcl, "acl", { scope, defaultAction: { allow: {} } });
  fx.add(T.webAclAssociation, "acl-alb", { resourceArn: fx.ref(lb, "arn"), webAclArn: fx.ref(acl, "arn") });
  return acl;
}

/** A compliant stack touching every security rule. */
function secureStack(fx: Fixture): { albSg: FixtureResource; appSg: FixtureResource; alb: FixtureResource } {
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

describe("security pack", () => {
  for (const preview of [false, true]) {
    it(`a compliant stack passes every rule (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      secureStack(fx);
      const result = await evaluate(securityPack, fx);
      expect(result.violations).to.deep.equal([]);
    });
  }

  describe("encryption-at-rest", () => {
    it("reports each unencrypted data store", async () => {
      const fx = new Fixture();
      fx.add(T.table, "plain-table", { hashKey: "pk" });
      fx.add(T.table, "aws-key-table", { hashKey: "pk", serverSideEncryption: { enabled: true } });
      fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/t" });
      fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql" });
      fx.add(T.rdsStandalone, "legacy", { engine: "postgres", storageEncrypted: false });
      cache(fx, AZS, { atRestEncryptionEnabled: false });
      dax(fx, AZS, { serverSideEncryption: { enabled: false } });
      launchTemplate(fx, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: "false" } }] }, "lt-plain");
      launchTemplate(fx, { blockDeviceMappings: undefined }, "lt-implicit");
      fx.add(T.instance, "bastion", { instanceType: "c7g.large", rootBlockDevice: { encrypted: false }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] });
      fx.add(T.volume, "scratch", { availabilityZone: "us-east-1a", size: 10 });
      fx.add(T.queue, "plain-dlq", { messageRetentionSeconds: 1_209_600 });
      fx.add(T.queue, "sse-off-dlq", { sqsManagedSseEnabled: false });
      fx.add(T.topic, "plain-topic", { name: "plain-topic" });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "encryption-at-rest")).to.deep.equal([
        "table plain-table does not enable serverSideEncryption with a KMS key (it would use the AWS owned key)",
        "table aws-key-table is encrypted with the AWS managed key; set serverSideEncryption.kmsKeyArn to a customer managed key",
        "table replica replica sets no kmsKeyArn, so it is encrypted with the AWS managed key; use a customer managed key of its region",
        "RDS cluster db does not encrypt its storage (storageEncrypted)",
        "DB instance legacy does not encrypt its storage (storageEncrypted)",
        "replication group cache does not encrypt data at rest (atRestEncryptionEnabled)",
        "DAX cluster dax does not encrypt data at rest (serverSideEncryption.enabled)",
        "launch template lt-plain does not encrypt EBS volume /dev/xvda (ebs.encrypted)",
        "launch template lt-implicit declares no EBS block device mapping, so whether its root volume is encrypted depends on the AMI and the account default",
        "instance bastion does not encrypt its root volume (rootBlockDevice.encrypted)",
        "instance bastion does not encrypt EBS volume /dev/sdf (ebsBlockDevices[].encrypted)",
        "EBS volume scratch is not encrypted (encrypted)",
        "SQS queue plain-dlq sets neither a KMS key (kmsMasterKeyId) nor SSE-SQS (sqsManagedSseEnabled: true)",
        "SQS queue sse-off-dlq sets neither a KMS key (kmsMasterKeyId) nor SSE-SQS (sqsManagedSseEnabled: true)",
        "SNS topic plain-topic is not encrypted at rest: set kmsMasterKeyId to a KMS key the publishers may use",
      ]);
    });

    it("accepts a queue with a KMS key (unknown in a preview) or SSE-SQS, and a topic with a KMS key", async () => {
      const fx = new Fixture({ preview: true });
      const key = fx.add("aws:kms/key:Key", "key", { enableKeyRotation: true });
      fx.add(T.queue, "kms-dlq", { kmsMasterKeyId: fx.ref(key, "arn") });
      fx.add(T.queue, "sqs-managed", { sqsManagedSseEnabled: true });
      fx.add(T.topic, "alarms", { name: "alarms", kmsMasterKeyId: fx.ref(key, "arn") });
      expect(messagesOf(await evaluate(securityPack, fx), "encryption-at-rest")).to.deep.equal([]);
    });

    it("accepts a key ARN that is unknown in a preview, and the AWS managed key when config allows", async () => {
      const fx = new Fixture({ preview: true });
      const key = fx.add("aws:kms/key:Key", "key", {});
      fx.add(T.table, "cmk-table", { hashKey: "pk", serverSideEncryption: { enabled: true, kmsKeyArn: fx.ref(key, "arn") } });
      fx.add(T.table, "aws-key-table", { hashKey: "pk", serverSideEncryption: { enabled: true } });
      const strict = await evaluate(securityPack, fx);
      expect(messagesOf(strict, "encryption-at-rest")).to.deep.equal([
        "table aws-key-table is encrypted with the AWS managed key; set serverSideEncryption.kmsKeyArn to a customer managed key",
      ]);
      const relaxed = await evaluate(securityPack, fx, { "encryption-at-rest": { requireCustomerManagedKeyForDynamoDb: false } });
      expect(messagesOf(relaxed, "encryption-at-rest")).to.deep.equal([]);
    });
  });

  describe("s3-encryption-at-rest", () => {
    it("reports a bucket without a default encryption configuration or with a disallowed algorithm", async () => {
      const fx = new Fixture({ preview: true });
      fx.add(T.bucket, "bare", { bucket: "bare" });
      const kms = fx.add(T.bucket, "kms", { bucket: "kms" });
      fx.add(T.bucketSse, "kms-sse", { bucket: fx.ref(kms), rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN } }] });
      fx.add(T.bucket, "inline", { bucket: "inline", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } });
      fx.add("aws:s3/bucketV2:BucketV2", "inline-v2", {
        bucket: "inline-v2",
        serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } }] }],
      });
      const result = await evaluate(securityPack, fx, { "s3-encryption-at-rest": { allowedAlgorithms: ["AES256"] } });
      expect(messagesOf(result, "s3-encryption-at-rest")).to.deep.equal([
        "bucket bare declares no default server-side encryption (add a BucketServerSideEncryptionConfiguration)",
        "bucket kms encrypts with aws:kms, which is not allowed (allowed: AES256)",
        "bucket inline-v2 encrypts with aws:kms:dsse, which is not allowed (allowed: AES256)",
      ]);
    });
  });

  describe("encryption-in-transit", () => {
    it("reports a plain DAX endpoint and a cache that accepts unencrypted connections", async () => {
      const fx = new Fixture();
      dax(fx, AZS, { clusterEndpointEncryptionType: "NONE" });
      cache(fx, AZS, { transitEncryptionMode: "preferred" });
      fx.add(T.cache, "plain-cache", { nodeType: "cache.t4g.small", transitEncryptionEnabled: false });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "encryption-in-transit")).to.deep.equal([
        'DAX cluster dax serves an unencrypted endpoint; set clusterEndpointEncryptionType: "TLS"',
        'replication group cache still accepts unencrypted connections (transitEncryptionMode "preferred"; use "required")',
        "replication group plain-cache does not encrypt traffic in transit (transitEncryptionEnabled)",
      ]);
    });
  });

  describe("alb-https-only", () => {
    it("reports a load balancer with plain HTTP only", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      const alb = loadBalancer(fx, net.subnets.public);
      fx.add(T.listener, "http", { loadBalancerArn: fx.ref(alb, "arn"), port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "alb-https-only")).to.deep.equal([
        "load balancer alb has no HTTPS listener",
        "HTTP listener http of load balancer alb serves traffic instead of redirecting to HTTPS",
      ]);
    });

    it("reports a TLS policy below 1.2 and a listener without one", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      const alb = loadBalancer(fx, net.subnets.public);
      listeners(fx, alb);
      fx.add(T.listener, "legacy", { loadBalancerArn: fx.ref(alb, "arn"), port: 8443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08", defaultActions: [] });
      fx.add(T.listener, "implicit", { loadBalancerArn: fx.ref(alb, "arn"), port: 9443, protocol: "HTTPS", defaultActions: [] });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "alb-https-only")).to.deep.equal([
        "HTTPS listener legacy of load balancer alb uses security policy ELBSecurityPolicy-2016-08; allowed: ELBSecurityPolicy-TLS13-1-2-*, ELBSecurityPolicy-TLS13-1-3-*",
        "HTTPS listener implicit of load balancer alb sets no sslPolicy (the AWS default changes over time)",
      ]);
    });
  });

  describe("alb-waf-and-jwt", () => {
    /** An internet-facing ALB with its WAF and a verifying HTTPS listener; returns the listener. */
    function edge(fx: Fixture, options: { waf?: boolean } = {}): { alb: FixtureResource; https: FixtureResource } {
      const net = network(fx, AZS);
      const alb = loadBalancer(fx, net.subnets.public);
      const https = listeners(fx, alb);
      if (options.waf !== false) waf(fx, alb);
      return { alb, https };
    }
    const rule = (fx: Fixture, listener: FixtureResource, name: string, actions: unknown[], methods: string[], paths: string[]) =>
      fx.add(T.listenerRule, name, {
        listenerArn: fx.ref(listener, "arn"),
        priority: 1,
        conditions: [{ httpRequestMethod: { values: methods } }, { pathPattern: { values: paths } }],
        actions,
      });

    for (const preview of [false, true]) {
      it(`passes a verifying listener, its scope rules and an open GET /livez rule (${preview ? "preview" : "after update"})`, async () => {
        const fx = new Fixture({ preview });
        const { https } = edge(fx);
        rule(fx, https, "open-livez", [{ type: "forward", targetGroupArn: "tg" }], ["GET", "HEAD"], ["/livez"]);
        rule(fx, https, "fills", VERIFY_THEN_FORWARD, ["POST"], ["/v1/accounts/*/orders/*/fills"]);
        const result = await evaluate(securityPack, fx);
        expect(messagesOf(result, "alb-waf-and-jwt")).to.deep.equal([]);
      });
    }

    it("reports an internet-facing load balancer without a WAF, and a web ACL that is not REGIONAL", async () => {
      const fx = new Fixture({ preview: true });
      edge(fx, { waf: false });
      const other = new Fixture();
      const { alb } = edge(other, { waf: false });
      waf(other, alb, "CLOUDFRONT");
      expect(messagesOf(await evaluate(securityPack, fx), "alb-waf-and-jwt")).to.deep.equal([
        "internet-facing load balancer alb has no AWS WAF web ACL (no aws.wafv2.WebAclAssociation names it)",
      ]);
      expect(messagesOf(await evaluate(securityPack, other), "alb-waf-and-jwt")).to.deep.equal([
        "web ACL acl associated with load balancer alb has scope CLOUDFRONT; a load balancer needs a REGIONAL web ACL",
      ]);
    });

    it("reports a listener that forwards without jwt-validation, one that validates after forwarding, and a plain-HTTP one", async () => {
      const fx = new Fixture();
      const { alb } = edge(fx);
      fx.add(T.listener, "bare", { loadBalancerArn: fx.ref(alb, "arn"), port: 8443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
      fx.add(T.listener, "late", {
        loadBalancerArn: fx.ref(alb, "arn"),
        port: 9443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: [{ ...JWT, order: 3 }, { type: "forward", order: 2, targetGroupArn: "tg" }],
      });
      fx.add(T.listener, "plain", { loadBalancerArn: fx.ref(alb, "arn"), port: 8080, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
      fx.add(T.listener, "unconfigured", { loadBalancerArn: fx.ref(alb, "arn"), port: 7443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "jwt-validation" }, { type: "forward", targetGroupArn: "tg" }] });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "alb-waf-and-jwt")).to.deep.equal([
        "listener bare of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
        "listener late of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
        "listener plain of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward) (jwt-validation needs an HTTPS listener: redirect HTTP to HTTPS)",
        "listener unconfigured of load balancer alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
      ]);
    });

    it("reports rules that forward unverified beyond GET/HEAD of the open paths", async () => {
      const fx = new Fixture({ preview: true });
      const { https } = edge(fx);
      rule(fx, https, "open-orders", [{ type: "forward", targetGroupArn: "tg" }], ["GET"], ["/v1/orders"]);
      rule(fx, https, "open-wildcard", [{ type: "forward", targetGroupArn: "tg" }], ["GET"], ["/livez*"]);
      rule(fx, https, "open-post", [{ type: "forward", targetGroupArn: "tg" }], ["POST"], ["/livez"]);
      rule(fx, https, "redirects", [{ type: "redirect", redirect: { protocol: "HTTPS" } }], ["GET"], ["/old"]);
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "alb-waf-and-jwt")).to.deep.equal(
        ["open-orders", "open-wildcard", "open-post"].map((name) => `rule ${name} of listener https (load balancer alb) forwards to targets without verifying a JWT, and not only GET/HEAD of /livez, /healthz`),
      );
    });

    it("does not judge an internal load balancer", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      const alb = loadBalancer(fx, net.subnets.app, { internal: true });
      fx.add(T.listener, "inside", { loadBalancerArn: fx.ref(alb, "arn"), port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
      expect(messagesOf(await evaluate(securityPack, fx), "alb-waf-and-jwt")).to.deep.equal([]);
    });
  });

  describe("database-tls-required", () => {
    it("reports a PostgreSQL cluster whose parameter group does not force TLS, and a MySQL one on the default group", async () => {
      const fx = new Fixture();
      aurora(fx, AZS, { dbClusterParameterGroupName: "lax" });
      fx.add(T.rdsClusterParams, "lax", { name: "lax", family: "aurora-postgresql16", parameters: [{ name: "rds.force_ssl", value: "0" }] });
      fx.add(T.rdsCluster, "mysql", { engine: "aurora-mysql", storageEncrypted: true });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "database-tls-required")).to.deep.equal([
        "RDS cluster db accepts unencrypted connections: its parameter group lax does not set rds.force_ssl = 1",
        "RDS cluster mysql accepts unencrypted connections: it uses no parameter group of this stack, and the engine's default does not set require_secure_transport = 1",
      ]);
    });
  });

  describe("imdsv2-required", () => {
    it("reports launch templates and instances that allow IMDSv1, and token hop limits that are unset or above the maximum", async () => {
      const fx = new Fixture();
      launchTemplate(fx, { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } });
      fx.add(T.instance, "bastion", { instanceType: "c7g.large" });
      launchTemplate(fx, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }, "containers");
      launchTemplate(fx, {}, "compliant");
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "imdsv2-required")).to.deep.equal([
        'launch template lt does not require IMDSv2 (metadataOptions.httpTokens must be "required")',
        'instance bastion does not require IMDSv2 (metadataOptions.httpTokens must be "required")',
        "instance bastion sets no metadataOptions.httpPutResponseHopLimit (the AMI's default applies: 2 for imds-support v2.0 AMIs); set at most 1",
        "launch template containers lets the IMDSv2 token travel 2 hops (metadataOptions.httpPutResponseHopLimit); at most 1",
      ]);
      expect(messagesOf(await evaluate(securityPack, fx, { "imdsv2-required": { maxHopLimit: 2 } }), "imdsv2-required")).to.have.length(3);
    });
  });

  describe("no-public-ip-on-instances", () => {
    it("reports templates and instances with public IPs and groups in subnets that map them", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      launchTemplate(fx, { networkInterfaces: [{ associatePublicIpAddress: "true" }] }, "public-lt");
      fx.add(T.instance, "bastion", { instanceType: "c7g.large", associatePublicIpAddress: true });
      const mapping = fx.add(T.subnet, "mapping", { vpcId: fx.ref(net.vpc), availabilityZoneId: "use1-az1", mapPublicIpOnLaunch: true });
      autoScalingGroup(fx, [mapping], launchTemplate(fx, {}, "plain-lt"), {}, "exposed");
      autoScalingGroup(fx, [mapping], launchTemplate(fx, { networkInterfaces: [{ associatePublicIpAddress: "false" }] }, "private-lt"), {}, "covered");
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "no-public-ip-on-instances")).to.deep.equal([
        "launch template public-lt gives instances a public IP (networkInterfaces[].associatePublicIpAddress)",
        "instance bastion has a public IP (associatePublicIpAddress)",
        "auto scaling group exposed launches into subnet(s) mapping, which give instances public IPs (mapPublicIpOnLaunch), and its launch template does not turn that off",
      ]);
    });
  });

  describe("no-world-ingress", () => {
    it("reports the app port open to the world, and a load balancer's group open beyond its listener ports", async () => {
      const fx = new Fixture({ preview: true });
      const { albSg, appSg } = secureStack(fx);
      fx.add(T.ingress, "app-open", { securityGroupId: fx.ref(appSg), ipProtocol: "tcp", fromPort: 8080, toPort: 8080, cidrIpv4: "0.0.0.0/0" });
      fx.add(T.ingress, "alb-ssh", { securityGroupId: fx.ref(albSg), ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" });
      fx.add(T.sgRule, "legacy-rule", { type: "ingress", securityGroupId: fx.ref(appSg), protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] });
      fx.add(T.sg, "inline", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5433, cidrBlocks: ["0.0.0.0/0"] }] });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "no-world-ingress")).to.deep.equal([
        "app-open opens port 8080/tcp of security group app-sg to 0.0.0.0/0; it is not a load balancer's group",
        "alb-ssh opens port 22/tcp of security group alb-sg to ::/0; only ports 80, 443 of a load balancer's group may be open to the world",
        "legacy-rule opens all ports of security group app-sg to 0.0.0.0/0; it is not a load balancer's group",
        "inline opens ports 5432-5433/tcp of security group inline to 0.0.0.0/0; it is not a load balancer's group",
      ]);
      expect(violationsOf(result, "no-world-ingress")[0].urn).to.match(/::app-open$/);
    });
  });

  describe("alb-hardening", () => {
    it("reports a load balancer that keeps invalid headers and writes no access logs", async () => {
      const fx = new Fixture();
      fx.add(T.lb, "alb", { subnets: ["a", "b"] });
      fx.add(T.lb, "nlb", { loadBalancerType: "network", subnets: ["a", "b"] });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "alb-hardening")).to.deep.equal([
        "load balancer alb does not drop invalid header fields (dropInvalidHeaderFields)",
        "load balancer alb does not write access logs (accessLogs with a bucket and enabled: true)",
      ]);
    });
  });

  describe("dynamodb-pitr", () => {
    it("reports tables and replicas without point-in-time recovery", async () => {
      const fx = new Fixture();
      dynamoTable(fx, { props: { pointInTimeRecovery: { enabled: false } } });
      fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/orders", kmsKeyArn: "k", deletionProtectionEnabled: true });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "dynamodb-pitr")).to.deep.equal([
        "table orders has point-in-time recovery off (pointInTimeRecovery.enabled)",
        "table replica replica has point-in-time recovery off (pointInTimeRecovery)",
      ]);
    });
  });

  describe("backup-retention", () => {
    it("reports short retention, counting unset as AWS's default", async () => {
      const fx = new Fixture();
      aurora(fx, AZS, { backupRetentionPeriod: undefined });
      fx.add(T.rdsStandalone, "legacy", { engine: "postgres", storageEncrypted: true, backupRetentionPeriod: 3 });
      cache(fx, AZS, { snapshotRetentionLimit: undefined });
      const result = await evaluate(securityPack, fx, { "backup-retention": { minDatabaseBackupDays: 7, minCacheSnapshotDays: 1 } });
      expect(messagesOf(result, "backup-retention")).to.deep.equal([
        "RDS cluster db keeps backups for 1 day(s); at least 7 are required (backupRetentionPeriod)",
        "DB instance legacy keeps backups for 3 day(s); at least 7 are required (backupRetentionPeriod)",
        "replication group cache keeps snapshots for 0 day(s); at least 1 are required (snapshotRetentionLimit)",
      ]);
    });
  });

  describe("deletion-protection", () => {
    it("reports unprotected databases and tables, and is skipped where disabled", async () => {
      const fx = new Fixture();
      aurora(fx, AZS, { deletionProtection: false });
      fx.add(T.rdsStandalone, "legacy", { engine: "postgres" });
      dynamoTable(fx, { props: { deletionProtectionEnabled: false } });
      fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/orders" });
      const prod = await evaluate(securityPack, fx);
      expect(messagesOf(prod, "deletion-protection")).to.deep.equal([
        "RDS cluster db can be deleted (deletionProtection is off)",
        "DB instance legacy can be deleted (deletionProtection is off)",
        "table orders can be deleted (deletionProtectionEnabled is off)",
        "table replica replica can be deleted (deletionProtectionEnabled is off)",
      ]);
      const dev = await evaluate(securityPack, fx, { "deletion-protection": "disabled" });
      expect(messagesOf(dev, "deletion-protection")).to.deep.equal([]);
    });
  });

  describe("iam-no-wildcard-admin", () => {
    it("finds Allow * on * in any statement form", () => {
      expect(wildcardAdminStatements({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } })).to.deep.equal(["#1"]);
      expect(
        wildcardAdminStatements(
          JSON.stringify({
            Statement: [
              { Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" },
              { Sid: "Admin", Effect: "Allow", Action: ["*:*"], Resource: ["arn:x", "*"] },
              { Effect: "Deny", Action: "*", Resource: "*" },
            ],
          }),
        ),
      ).to.deep.equal(['"Admin"']);
      expect(wildcardAdminStatements("not json")).to.deep.equal([]);
    });

    it("reports role policies, managed policies, inline policies and AdministratorAccess", async () => {
      const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
      const fx = new Fixture();
      fx.add(T.rolePolicy, "inline-admin", { role: "r", policy: admin });
      fx.add(T.iamPolicy, "managed-admin", { policy: admin });
      fx.add(T.role, "role", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "everything", policy: admin }] });
      fx.add(T.rolePolicyAttachment, "attach", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "iam-no-wildcard-admin")).to.deep.equal([
        'role policy inline-admin allows every action ("*") on every resource ("*") in statement #1',
        'IAM policy managed-admin allows every action ("*") on every resource ("*") in statement #1',
        'inline policy everything of role role allows every action ("*") on every resource ("*") in statement #1',
        "role policy attachment attach grants AdministratorAccess",
      ]);
    });

    it("cannot judge a document that is unknown in a preview (the server's advisory)", async () => {
      const fx = new Fixture({ preview: true });
      const table = fx.add(T.table, "t", { hashKey: "pk" });
      fx.add(T.rolePolicy, "scoped", { role: "r", policy: fx.ref(table, "arn") });
      const result = await evaluate(securityPack, fx, { "encryption-at-rest": "disabled", "dynamodb-pitr": "disabled", "deletion-protection": "disabled" });
      expect(violationsOf(result, "iam-no-wildcard-admin").map((v) => [v.enforcementLevel, v.couldNotRunInPreview, v.message])).to.deep.equal([
        [
          "advisory",
          true,
          `can't run policy 'iam-no-wildcard-admin' from policy pack 'trading-security@v${securityPack.version}' during preview: string value at .policy can't be known during preview`,
        ],
      ]);
    });
  });
});
