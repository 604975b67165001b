/**
 * TradingCluster in the three real stack files, as `pulumi up` (ids known) and, for prod, as
 * `pulumi preview` (ids unknown: placement is followed through property dependencies to the app
 * subnets and their AZ IDs).
 */
import { expect } from "chai";
import { bundleService, artifactKey } from "../../components/cluster/artifact";
import { ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE, PolicyDocument } from "../../components/cluster/instancePolicy";
import { BOOT_RESERVE_SECONDS } from "../../components/cluster/userData";
import { DEFAULT_PORT, HEALTH_PATH } from "../../services/trading-api/src/contract";
import { readStackFile, RecordedResource, runStackFile, STACKS, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const PRIMARY = "acme-markets/trading-platform/prod-us-east-1";

const T = {
  cluster: "trading:cluster:TradingCluster",
  sgs: "trading:cluster:ClusterSecurityGroups",
  asg: "aws:autoscaling/group:Group",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  subnet: "aws:ec2/subnet:Subnet",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  parameter: "aws:ssm/parameter:Parameter",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
  bucket: "aws:s3/bucket:Bucket",
  table: "aws:dynamodb/table:Table",
  tableReplica: "aws:dynamodb/tableReplica:TableReplica",
  dax: "aws:dax/cluster:Cluster",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  policyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
} as const;

const runs: Record<string, StackRun> = {};

function clusterOf(run: StackRun): RecordedResource {
  return run.single(T.cluster);
}

/** A resource of `type` inside the TradingCluster component (exactly one). */
function inCluster(run: StackRun, type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource {
  const found = run.childrenOf(clusterOf(run), true).filter((r) => r.type === type && predicate(r));
  expect(found, `${type} in the cluster of ${run.stack}`).to.have.length(1);
  return found[0];
}

function asgOf(run: StackRun): RecordedResource {
  return inCluster(run, T.asg);
}

function userDataOf(run: StackRun): string {
  const userData = inCluster(run, T.launchTemplate).inputs.userData;
  expect(userData, "user data is known after an update").to.be.a("string");
  return Buffer.from(String(userData), "base64").toString("utf8");
}

function secretValue(value: unknown): string {
  // A secret input arrives as the SDK's wrapper: { <signature>: <secret sig>, value }.
  const inner = typeof value === "object" && value !== null && "value" in value ? (value as { value: unknown }).value : value;
  expect(inner, "secret value").to.be.a("string");
  return String(inner);
}

function configured(stack: string, key: string): unknown {
  return readStackFile(stack)[`trading-platform:${key}`];
}

describe("TradingCluster in the real stack files", function () {
  // Each run bundles nothing new (the service bundle is memoised) but registers ~150 resources.
  this.timeout(120_000);

  before(async () => {
    runs.dev = await deployedStackRun("dev");
    runs["prod-us-east-1"] = await deployedStackRun("prod-us-east-1");
    runs["prod-eu-west-1"] = await runStackFile("prod-eu-west-1", {
      stackReferences: { [PRIMARY]: runs["prod-us-east-1"].outputs },
    });
    runs["prod-us-east-1 preview"] = await runStackFile("prod-us-east-1", { preview: true });
  });

  const cases = [...STACKS, "prod-us-east-1 preview"] as const;

  for (const key of cases) {
    const stack = key.replace(" preview", "");

    it(`${key}: the ASG's subnets are the app subnets of three distinct AZ IDs (via property dependencies)`, () => {
      const run = runs[key];
      const asg = asgOf(run);
      const subnets = run.propertyDependencies(asg, "vpcZoneIdentifiers");
      expect(subnets.map((s) => s.type)).to.deep.equal([T.subnet, T.subnet, T.subnet]);
      for (const subnet of subnets) {
        expect((subnet.inputs.tags as Record<string, string>).Tier).to.equal("app");
      }
      const azIds = subnets.map((s) => s.inputs.availabilityZoneId);
      expect(new Set(azIds).size).to.equal(3);
      expect([...azIds].sort()).to.deep.equal([...(readStackFile(stack)["trading-platform:azIds"] as string[])].sort());
      // The ALB sits in the public subnets of the same three AZs.
      const albSubnets = run.propertyDependencies(inCluster(run, T.alb), "subnets");
      expect(albSubnets.map((s) => (s.inputs.tags as Record<string, string>).Tier)).to.deep.equal(["public", "public", "public"]);
      expect(new Set(albSubnets.map((s) => s.inputs.availabilityZoneId))).to.deep.equal(new Set(azIds));
    });

    it(`${key}: group sizes from the stack file, min <= desired <= max, ELB health checks, tags propagated at launch`, () => {
      const asg = asgOf(runs[key]);
      const min = Number(asg.inputs.minSize);
      const desired = Number(asg.inputs.desiredCapacity);
      const max = Number(asg.inputs.maxSize);
      expect(min).to.equal(configured(stack, "clusterMinSize"));
      expect(max).to.equal(configured(stack, "clusterMaxSize"));
      expect(min).to.be.at.most(desired);
      expect(desired).to.be.at.most(max);
      if (stack.startsWith("prod")) {
        expect(min, "prod keeps an instance in each AZ").to.be.at.least(3);
      }
      expect(asg.inputs.healthCheckType).to.equal("ELB");
      expect(asg.inputs.healthCheckGracePeriod).to.be.a("number").and.to.be.greaterThan(0);
      expect(asg.inputs.defaultInstanceWarmup).to.be.a("number").and.to.be.greaterThan(0);
      expect(asg.ignoreChanges, "the scaling policy owns desired capacity").to.include("desiredCapacity");
      const tags = asg.inputs.tags as { key: string; value: string; propagateAtLaunch: boolean }[];
      const stackTags = (readStackFile(stack)["aws:defaultTags"] as { tags: Record<string, string> }).tags;
      const expected = { ...stackTags, Name: "trading-api" };
      expect(Object.fromEntries(tags.map((t) => [t.key, t.value]))).to.deep.equal(expected);
      expect(tags.every((t) => t.propagateAtLaunch)).to.equal(true);
    });

    it(`${key}: the ASG runs the launch template's latestVersion and refreshes without losing capacity`, () => {
      const run = runs[key];
      const asg = asgOf(run);
      const launchTemplate = inCluster(run, T.launchTemplate);
      expect(run.propertyDependencies(asg, "launchTemplate").map((r) => r.urn)).to.deep.equal([launchTemplate.urn]);
      const version = (asg.inputs.launchTemplate as { version: unknown }).version;
      expect(version).to.not.be.oneOf(["$Latest", "$Default"]);
      if (!run.preview) {
        // The mock cloud reports latestVersion 1: the group carries exactly that number.
        expect(version).to.equal(String(launchTemplate.outputs.latestVersion));
      }
      const refresh = asg.inputs.instanceRefresh as { strategy: string; preferences: Record<string, unknown> };
      expect(refresh.strategy).to.equal("Rolling");
      expect(refresh.preferences.minHealthyPercentage).to.equal(100);
      expect(Number(refresh.preferences.maxHealthyPercentage)).to.be.within(101, 200);
      expect(refresh.preferences.autoRollback, "a provider-started rollback would relaunch the new version").to.equal(false);
    });

    it(`${key}: the ASG is created after the instance role's policies and profile (IAM first, then instances that need it)`, () => {
      const run = runs[key];
      const asg = asgOf(run);
      const role = inCluster(run, T.role, (r) => r.name === "trading-instance");
      // Every inline policy and attachment of the instance role inside the cluster (the flag grant of
      // components/region is read by the service at run time, not at boot, and is created after it).
      const onRole = [...run.ofType(T.rolePolicy), ...run.ofType(T.policyAttachment)].filter(
        (p) => run.childrenOf(clusterOf(run), true).includes(p) && run.propertyDependencies(p, "role").some((d) => d.urn === role.urn),
      );
      expect(onRole.map((p) => p.type), "the role's inline policy").to.include(T.rolePolicy);
      for (const policy of onRole) expect(asg.dependencies, `${asg.name} depends on ${policy.name}`).to.include(policy.urn);
      expect(asg.dependencies).to.include(inCluster(run, T.instanceProfile).urn);
    });

    it(`${key}: launch template: IMDSv2 only (hop limit 1), encrypted gp3 root volume, no public IP, app SG, detailed monitoring`, () => {
      const run = runs[key];
      const lt = inCluster(run, T.launchTemplate);
      expect(lt.inputs.metadataOptions).to.deep.include({ httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" });
      const devices = lt.inputs.blockDeviceMappings as { deviceName: string; ebs: Record<string, unknown> }[];
      expect(devices).to.have.length(1);
      expect(devices[0].ebs).to.deep.include({ encrypted: "true", volumeType: "gp3" });
      const nics = lt.inputs.networkInterfaces as Record<string, unknown>[];
      expect(nics).to.have.length(1);
      expect(nics[0].associatePublicIpAddress).to.equal("false");
      expect(lt.inputs.monitoring).to.deep.equal({ enabled: true });
      expect(lt.inputs).to.not.have.property("keyName");
      const appSg = run.single(T.sg, (r) => r.name === "trading-app");
      expect(run.propertyDependencies(lt, "networkInterfaces").map((r) => r.urn)).to.include(appSg.urn);
      // The AMI pinned in the stack file (bumped by `npm run ami:latest`), never looked up at `pulumi up`.
      expect(lt.inputs.instanceType).to.equal(String(configured(stack, "clusterInstanceType")));
      expect(lt.inputs.imageId).to.equal(configured(stack, "clusterAmiId"));
      expect(run.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter")).to.deep.equal([]);
    });

    it(`${key}: security groups admit the app port only from the ALB group, and the ALB only from the configured CIDRs`, () => {
      const run = runs[key];
      const albSg = run.single(T.sg, (r) => r.name === "trading-alb");
      const appSg = run.single(T.sg, (r) => r.name === "trading-app");
      const onGroup = (type: string, sg: RecordedResource) =>
        run.ofType(type).filter((rule) => run.propertyDependencies(rule, "securityGroupId").some((d) => d.urn === sg.urn));
      const appIngress = onGroup(T.ingress, appSg);
      // Rules other tiers add on the app group are egress only; nothing else may admit traffic to it.
      expect(appIngress).to.have.length(1);
      expect(appIngress[0].inputs).to.deep.include({ ipProtocol: "tcp", fromPort: DEFAULT_PORT, toPort: DEFAULT_PORT });
      expect(appIngress[0].inputs).to.not.have.property("cidrIpv4");
      expect(run.propertyDependencies(appIngress[0], "referencedSecurityGroupId").map((r) => r.urn)).to.deep.equal([albSg.urn]);

      const albIngress = onGroup(T.ingress, albSg);
      const cidrs = configured(stack, "clusterIngressCidrs") as string[];
      expect(albIngress).to.have.length(cidrs.length * 2);
      for (const rule of albIngress) {
        expect(rule.inputs.fromPort).to.equal(rule.inputs.toPort);
        expect(rule.inputs.fromPort).to.be.oneOf([80, 443]);
        expect(cidrs).to.include(rule.inputs.cidrIpv4);
      }
      const albEgress = onGroup(T.egress, albSg);
      const toApp = albEgress.filter((rule) => rule.inputs.fromPort === DEFAULT_PORT);
      expect(toApp).to.have.length(1);
      expect(toApp[0].inputs).to.deep.include({ fromPort: DEFAULT_PORT, toPort: DEFAULT_PORT });
      expect(run.propertyDependencies(toApp[0], "referencedSecurityGroupId").map((r) => r.urn)).to.deep.equal([appSg.urn]);
      // The ALB fetches the issuer's JWKS itself when a listener verifies JWTs: then, and only then,
      // its group may leave on 443 (to any address: the IdP's endpoints have no fixed CIDRs).
      const verifiesJwt = run
        .childrenOf(clusterOf(run), true)
        .filter((r) => r.type === T.listener || r.type === T.listenerRule)
        .some((r) => ((r.inputs.defaultActions ?? r.inputs.actions) as Record<string, unknown>[]).some((a) => a.type === "jwt-validation"));
      expect(verifiesJwt, "the prod stacks verify JWTs at the listener").to.equal(Boolean(configured(stack, "clusterCertificateArn")));
      const others = albEgress.filter((rule) => rule !== toApp[0]);
      if (verifiesJwt) {
        expect(others).to.have.length(1);
        expect(others[0].inputs).to.deep.include({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
        expect(others[0].inputs).to.not.have.property("referencedSecurityGroupId");
        const https = run.childrenOf(clusterOf(run), true).find((r) => r.type === T.listener && r.inputs.port === 443) as RecordedResource;
        expect(https.dependencies, "the listener verifies only once the group lets the ALB out to the JWKS").to.include(others[0].urn);
      } else {
        expect(others, "no egress beyond the app port without JWT validation").to.deep.equal([]);
      }
      // No group carries inline rules (they would fight the rule resources).
      for (const sg of [albSg, appSg]) {
        expect(sg.inputs).to.not.have.property("ingress");
        expect(sg.inputs).to.not.have.property("egress");
      }
    });

    it(`${key}: target group health check on the service's shallow liveness route, with short thresholds and drain`, () => {
      const tg = inCluster(runs[key], T.targetGroup);
      const healthCheck = tg.inputs.healthCheck as Record<string, unknown>;
      expect(healthCheck.path).to.equal(HEALTH_PATH);
      expect(healthCheck.matcher).to.equal("200");
      expect(Number(healthCheck.interval)).to.be.at.most(10);
      expect(Number(healthCheck.healthyThreshold)).to.be.at.most(3);
      expect(Number(healthCheck.unhealthyThreshold)).to.be.at.most(3);
      expect(tg.inputs.port).to.equal(DEFAULT_PORT);
      expect(tg.inputs.deregistrationDelay).to.equal(30);
    });

    it(`${key}: listeners: HTTPS with TLS 1.3 and HTTP that only redirects when a certificate is set, else plain HTTP`, () => {
      const run = runs[key];
      const listeners = run.childrenOf(clusterOf(run), true).filter((r) => r.type === T.listener);
      const certificate = configured(stack, "clusterCertificateArn");
      const http = listeners.find((l) => l.inputs.port === 80);
      expect(http, "an HTTP listener").to.not.equal(undefined);
      const httpActions = (http as RecordedResource).inputs.defaultActions as Record<string, unknown>[];
      if (certificate) {
        expect(listeners).to.have.length(2);
        expect(httpActions).to.deep.equal([
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ]);
        const https = listeners.find((l) => l.inputs.port === 443) as RecordedResource;
        expect(https.inputs).to.deep.include({ protocol: "HTTPS", certificateArn: certificate });
        expect(String(https.inputs.sslPolicy)).to.match(/^ELBSecurityPolicy-TLS13-/);
        // Every forward of the HTTPS listener's default action follows a jwt-validation (tests/stacks/edge.test.ts).
        expect((https.inputs.defaultActions as Record<string, unknown>[]).map((a) => a.type)).to.deep.equal(["jwt-validation", "forward"]);
      } else {
        expect(listeners).to.have.length(1);
        expect(httpActions.map((a) => a.type)).to.deep.equal(["forward"]);
      }
    });

    it(`${key}: the ALB is internet-facing, drops invalid headers, logs to its bucket, deletion-protected in prod`, () => {
      const alb = inCluster(runs[key], T.alb);
      expect(alb.inputs).to.deep.include({ loadBalancerType: "application", internal: false, dropInvalidHeaderFields: true });
      expect(alb.inputs.enableDeletionProtection).to.equal(stack.startsWith("prod"));
      expect((alb.inputs.accessLogs as Record<string, unknown>).enabled).to.equal(true);
      const logBucket = runs[key].propertyDependencies(alb, "accessLogs");
      expect(logBucket.map((r) => r.type)).to.deep.equal([T.bucket]);
    });
  }

  for (const stack of STACKS) {
    it(`${stack}: IAM statements name only this stack's table, indexes, DAX cluster, artifact, key, parameter and log group`, () => {
      const run = runs[stack];
      const region = String(readStackFile(stack)["aws:region"]);
      const policyResource = inCluster(run, T.rolePolicy);
      const document = JSON.parse(String(policyResource.inputs.policy)) as PolicyDocument;

      // What this stack registered: the table (or its regional replica) and its GSIs, DAX, and the
      // cluster's own artifact object, key, parameter and log group.
      const table = [...run.ofType(T.table), ...run.ofType(T.tableReplica)];
      expect(table, "one table in this region").to.have.length(1);
      const tableArn = String(table[0].outputs.arn);
      const primaryTable = run.ofType(T.table)[0] ?? runs["prod-us-east-1"].single(T.table);
      const gsiNames = (primaryTable.inputs.globalSecondaryIndexes as { name: string }[]).map((g) => g.name);
      const artifactObject = inCluster(run, T.object);
      const artifactBucket = inCluster(run, T.bucket, (b) => b.name === "trading-artifacts");
      const allowed = new Set<string>([
        tableArn,
        ...gsiNames.map((n) => `${tableArn}/index/${n}`),
        String(run.single(T.dax).outputs.arn),
        `${String(artifactBucket.outputs.arn)}/${String(artifactObject.inputs.key)}`,
        String(inCluster(run, T.key).outputs.arn),
        String(inCluster(run, T.parameter).outputs.arn),
        String(inCluster(run, T.logGroup).outputs.arn),
        `${String(inCluster(run, T.logGroup).outputs.arn)}:*`,
      ]);
      // Reference data: rds-db:connect as trading_app on this cluster, elasticache:Connect on this
      // replication group and its app user, and nothing else for either.
      const dbCluster = run.single("aws:rds/cluster:Cluster");
      const cacheGroup = run.single("aws:elasticache/replicationGroup:ReplicationGroup");
      const cacheUser = run.single("aws:elasticache/user:User", (u) => u.inputs.userName !== "default");
      const dbConnectArn = `arn:aws:rds-db:${region}:${String(dbCluster.outputs.arn).split(":")[4]}:dbuser:${String(dbCluster.outputs.clusterResourceId)}/trading_app`;
      for (const arn of [dbConnectArn, String(cacheGroup.outputs.arn), String(cacheUser.outputs.arn)]) allowed.add(arn);
      const bySid = new Map(document.Statement.map((s) => [s.Sid, s]));
      expect(bySid.get("ReferenceDatabase")).to.deep.include({ Action: ["rds-db:connect"], Resource: dbConnectArn });
      expect(bySid.get("ReferenceCache")).to.deep.include({ Action: ["elasticache:Connect"], Resource: [String(cacheGroup.outputs.arn), String(cacheUser.outputs.arn)] });
      expect(document.Statement.filter((s) => s.Action.some((a) => a.startsWith("rds-db:") || a.startsWith("elasticache:")))).to.have.length(2);

      let wildcardStatements = 0;
      for (const statement of document.Statement) {
        expect(statement.Effect).to.equal("Allow");
        for (const action of statement.Action) {
          expect(action, "no wildcard action").to.not.contain("*");
        }
        const resources = ([] as string[]).concat(statement.Resource);
        if (resources.includes("*")) {
          wildcardStatements++;
          expect(resources).to.deep.equal(["*"]);
          expect(statement.Action).to.have.members([...ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE]);
          continue;
        }
        for (const arn of resources) {
          expect(allowed, `${statement.Sid}: ${arn}`).to.include(arn);
          if (!arn.startsWith("arn:aws:s3:::")) {
            expect(arn.split(":")[3], `${arn} is in this stack's region`).to.equal(region);
          }
        }
      }
      expect(wildcardStatements).to.equal(1);
      // The table, every GSI and DAX are all reachable (the service needs each).
      const named = new Set(document.Statement.flatMap((s) => ([] as string[]).concat(s.Resource)));
      expect([...allowed].filter((arn) => !named.has(arn))).to.deep.equal([]);
      // No managed policy (AmazonSSMManagedInstanceCore grants far more than Session Manager needs).
      const role = inCluster(run, T.role);
      expect(run.ofType(T.policyAttachment).filter((a) => run.propertyDependencies(a, "role").some((r) => r.urn === role.urn))).to.deep.equal([]);
    });

    it(`${stack}: user data runs the bundled service and its settings, and holds no secret`, () => {
      const run = runs[stack];
      const userData = userDataOf(run);
      const artifact = bundleService();
      expect(userData).to.contain(artifact.sha256);
      expect(userData).to.contain(`--key ${artifactKey(artifact)}`);
      expect(String(inCluster(run, T.object).inputs.key)).to.equal(artifactKey(artifact));
      expect(userData).to.contain(`PORT=${DEFAULT_PORT}\n`);
      expect(userData).to.contain(`AWS_REGION=${String(readStackFile(stack)["aws:region"])}\n`);
      const table = [...run.ofType(T.table), ...run.ofType(T.tableReplica)][0];
      // Global tables keep one name in every region: read it from this region's table ARN.
      const tableName = String(table.outputs.arn).split(":table/")[1];
      expect(tableName).to.match(/^trading-platform-/);
      expect(userData).to.contain(`\nTABLE_NAME=${tableName}\n`);
      expect(userData).to.match(/\nDAX_ENDPOINT=daxs:\/\/\S+\n/);
      // The boot's retries end before the group's grace period does, with the rest of the boot's reserve left.
      const grace = Number(asgOf(run).inputs.healthCheckGracePeriod);
      expect(userData).to.contain(`\nBOOT_RETRY_BUDGET=${grace - BOOT_RESERVE_SECONDS}\n`);

      // The cursor key is generated into SSM and read at boot; its value appears nowhere else.
      const parameter = inCluster(run, T.parameter);
      expect(parameter.inputs.type).to.equal("SecureString");
      const secret = secretValue(parameter.inputs.valueWo);
      expect(secret.length).to.be.at.least(32);
      expect(userData).to.not.contain(secret);
      expect(userData).to.not.match(/CURSOR_SECRET(_PREVIOUS)?=[^$%]/);
      const elsewhere = run.resources.filter((r) => r.urn !== parameter.urn && JSON.stringify(r.inputs).includes(secret));
      expect(elsewhere.map((r) => r.name)).to.deep.equal([]);
    });
  }

  it("prod-us-east-1 preview: the launch template's version and user data are unknown, not a literal", () => {
    const asg = asgOf(runs["prod-us-east-1 preview"]);
    const version = (asg.inputs.launchTemplate as { version: unknown }).version;
    expect(version).to.not.be.a("string");
  });

  it("each stack's outputs carry the cluster's contract: ALB DNS name, zone, ARN, target group, ASG, SG and role", () => {
    for (const stack of STACKS) {
      const cluster = runs[stack].outputs.cluster as Record<string, unknown>;
      for (const key of ["albDnsName", "albZoneId", "albArn", "targetGroupArn", "asgName", "appSecurityGroupId", "instanceRoleArn"]) {
        expect(cluster[key], `${stack} cluster.${key}`).to.be.a("string").and.not.equal("");
      }
      expect(cluster.endpoint).to.match(configured(stack, "clusterCertificateArn") ? /^https:\/\// : /^http:\/\//);
      expect(cluster.instanceRoleArn).to.match(/^arn:aws:iam::\d{12}:role\/trading-instance$/);
    }
  });
});
