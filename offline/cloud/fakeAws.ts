/**
 * The fake AWS account behind the mock cloud: invoke results and the computed outputs AWS would add
 * to a resource (ids, ARNs, AZ names of subnets, ...), on the account and AZ tables of
 * fakeRegions.ts and the global databases of fakeGlobalDatabase.ts.
 *
 * Components that need another fake add it here, in one place, so every test and the offline plan
 * see the same cloud.
 */

import { createHash } from "node:crypto";
import { FAKE_ACCOUNT_ID, FAKE_CLIENT_SECRET_PREFIX, azIdForName, azNameForId, regionAzs } from "./fakeRegions";
import { globalClusterFromSource, joinGlobalCluster, rdsClustersOf, rdsGlobalClustersOf, type FakeGlobalCluster } from "./fakeGlobalDatabase";

export { FAKE_ACCOUNT_ID, FAKE_CLIENT_SECRET_PREFIX, FAKE_REGIONS, azIdForName, azNameForId, regionAzs, type FakeAz } from "./fakeRegions";
export { rdsGlobalClustersOf, switchOverGlobalCluster, type FakeGlobalCluster } from "./fakeGlobalDatabase";
type Props = Record<string, unknown>;

/** A fake invoke: its inputs, the region it runs in and the account it runs as. */
type InvokeFake = (inputs: Props, region: string, account: string) => Props;

/** Fakes of provider functions (invokes), by token. An invoke with no fake fails the test. */
export const INVOKE_FAKES: Record<string, InvokeFake> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
    const azs = regionAzs(region);
    return { id: region, names: azs.map((a) => a.name), zoneIds: azs.map((a) => a.id), groupNames: [region] };
  },
  "aws:index/getRegion:getRegion": (_inputs, region) => ({
    id: region,
    name: region,
    region,
    endpoint: `ec2.${region}.amazonaws.com`,
    description: region,
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, _region, account) => ({
    id: account,
    accountId: account,
    arn: `arn:aws:iam::${account}:user/ci`,
    userId: "AIDAFAKE",
  }),
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  // Public parameters of the current Amazon Linux 2023 AMIs; any other parameter fails loudly.
  "aws:ssm/getParameter:getParameter": (inputs, region) => {
    const name = String(inputs.name);
    const match = /^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-(arm64|x86_64)$/.exec(name);
    if (!match) {
      throw new Error(`mock cloud: no fake SSM parameter ${name}; add it to offline/cloud/fakeAws.ts`);
    }
    const ami = match[1] === "arm64" ? "ami-0a1b2c3d4e5f60718" : "ami-0f9e8d7c6b5a40312";
    return { id: name, name, arn: `arn:aws:ssm:${region}::parameter${name}`, type: "String", value: ami, insecureValue: ami, version: 42 };
  },
  // A table as DescribeTable shows it in `region`: a global table's replica there has its own stream.
  "aws:dynamodb/getTable:getTable": (inputs, region, account) => {
    const name = String(inputs.name);
    const arn = `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    const streamLabel = region === "us-east-1" ? "2026-01-05T09:30:00.000" : "2026-01-05T09:41:17.250";
    return { id: name, name, arn, region, streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES", streamArn: `${arn}/stream/${streamLabel}`, streamLabel };
  },
  // DescribeGlobalClusters through the provider's data source, from the account's global clusters;
  // a missing one fails as the provider fails it.
  "aws:rds/getGlobalCluster:getGlobalCluster": (inputs, region, account) => {
    const identifier = String(inputs.identifier);
    const global = rdsGlobalClustersOf(account).get(identifier.toLowerCase());
    if (!global) {
      // The SDK turns a failed invoke into `new Error(err.details)` (runtime/invoke.ts), as gRPC
      // errors from the engine carry the provider's message in `details`; so does this one.
      const message = `reading RDS Global Cluster (${identifier}): couldn't find resource (GlobalClusterNotFoundFault) [mock cloud, ${region}]`;
      throw Object.assign(new Error(message), { details: message });
    }
    return {
      id: global.identifier,
      identifier: global.identifier,
      arn: global.arn,
      engine: "aurora-postgresql",
      engineVersion: global.engineVersion,
      endpoint: global.endpoint,
      members: global.members.map((m) => ({ dbClusterArn: m.dbClusterArn, isWriter: m.isWriter })),
      region,
      storageEncrypted: true,
    };
  },
  // GetRandomPassword: a recognisable fake, so tests can prove it reaches no output.
  "aws:secretsmanager/getRandomPassword:getRandomPassword": (inputs) => ({
    id: "random-password",
    randomPassword: `FakeMasterPassword${"x".repeat(Math.max(0, Number(inputs.passwordLength ?? 32) - 18))}`,
  }),
  // ECR's registry credentials for docker login (components/cluster/image.ts): a fake password, as
  // GetAuthorizationToken answers with a base64 "AWS:<password>" token valid for 12 hours.
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs, region, account) => ({
    id: region,
    registryId: String(inputs.registryId ?? account),
    userName: "AWS",
    password: "fake-ecr-password",
    authorizationToken: Buffer.from("AWS:fake-ecr-password").toString("base64"),
    proxyEndpoint: `https://${account}.dkr.ecr.${region}.amazonaws.com`,
    expiresAt: "2026-12-31T12:00:00Z",
  }),
  "aws:elb/getServiceAccount:getServiceAccount": (_inputs, region) => {
    const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
    if (!account) {
      throw new Error(`mock cloud: no Elastic Load Balancing account for ${region}; add it to offline/cloud/fakeAws.ts`);
    }
    return { id: account, arn: `arn:aws:iam::${account}:root`, region };
  },
};

/** AWS's Elastic Load Balancing accounts that deliver access logs, per region (AWS documentation). */
const ELB_LOG_DELIVERY_ACCOUNTS: Record<string, string> = { "us-east-1": "127311923021", "eu-west-1": "156460612806" };

/** Hosted zone of ALBs per region (Route 53 alias targets). */
const ALB_HOSTED_ZONES: Record<string, string> = { "us-east-1": "Z35SXDOTRQ7X7K", "eu-west-1": "Z32O12XQLNTSW2" };

/** The service part of a resource type token: "aws:ec2/subnet:Subnet" → "ec2". */
function serviceOf(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

function kindOf(type: string): string {
  return (type.split(":")[2] ?? "resource").toLowerCase();
}

/** Computed outputs of a created resource: its logical name, inputs, region, id and account. */
type OutputFake = (name: string, inputs: Props, region: string, id: string, account: string) => Props;

/** What AWS computes for a resource beyond its inputs, by type token. */
export const OUTPUT_FAKES: Record<string, OutputFake> = {
  "aws:ec2/vpc:Vpc": (name) => ({
    defaultSecurityGroupId: `sg-default-${name}`,
    mainRouteTableId: `rtb-main-${name}`,
    defaultRouteTableId: `rtb-main-${name}`,
  }),
  "aws:ec2/subnet:Subnet": (_name, inputs, region) => {
    if (typeof inputs.availabilityZoneId === "string") {
      return { availabilityZone: azNameForId(region, inputs.availabilityZoneId) };
    }
    if (typeof inputs.availabilityZone === "string") {
      return { availabilityZoneId: azIdForName(region, inputs.availabilityZone) };
    }
    throw new Error("mock cloud: a subnet needs availabilityZoneId or availabilityZone");
  },
  "aws:ec2/eip:Eip": (_name, _inputs, _region, id) => ({ allocationId: id, publicIp: "198.51.100.10" }),
  // Auto-named resources: the provider picks `<name>-<7 random characters>` when no name is given.
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "aws:rds/subnetGroup:SubnetGroup": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "aws:elasticache/parameterGroup:ParameterGroup": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "aws:elasticache/subnetGroup:SubnetGroup": (name, inputs) => ({ name: inputs.name ?? autoName(name) }),
  "aws:kms/key:Key": (name, _inputs, region, _id, account) => ({
    keyId: `key-${name}`,
    arn: `arn:aws:kms:${region}:${account}:key/key-${name}`,
  }),
  "aws:rds/globalCluster:GlobalCluster": (_name, inputs, _region, _id, account) => {
    const identifier = String(inputs.globalClusterIdentifier);
    const clusters = rdsGlobalClustersOf(account);
    const existing = clusters.get(identifier.toLowerCase());
    // Registered again (another run of the owning stack): an engine version it asks for is an upgrade,
    // which the provider applies to every member.
    if (existing) existing.engineVersion = String(inputs.engineVersion);
    const global: FakeGlobalCluster = existing ?? {
      identifier,
      engineVersion: String(inputs.engineVersion),
      // The global writer endpoint: "<global database name>.global-<id>.global.rds.amazonaws.com".
      endpoint: `${identifier}.global-fake0000000.global.rds.amazonaws.com`,
      // A global cluster's ARN has no region.
      arn: `arn:aws:rds::${account}:global-cluster:${identifier}`,
      members: [],
    };
    clusters.set(identifier.toLowerCase(), global);
    if (typeof inputs.sourceDbClusterIdentifier === "string" && inputs.sourceDbClusterIdentifier !== "") {
      globalClusterFromSource(global, inputs.sourceDbClusterIdentifier, account);
    }
    return {
      arn: global.arn,
      endpoint: global.endpoint,
      globalClusterResourceId: `cluster-FAKEGLOBAL${identifier.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
      globalClusterMembers: global.members.map((m) => ({ dbClusterArn: m.dbClusterArn, isWriter: m.isWriter })),
      engineVersionActual: global.engineVersion,
    };
  },
  "aws:secretsmanager/secret:Secret": (name, inputs, region, _id, account) => {
    const secretName = String(inputs.name ?? name);
    const replicas = Array.isArray(inputs.replicas) ? (inputs.replicas as { region: string }[]) : [];
    return {
      arn: `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-AbCdEf`,
      replicas: replicas.map((r) => ({ ...r, status: "InSync", statusMessage: "Replication succeeded" })),
    };
  },
  "aws:rds/cluster:Cluster": (name, inputs, region, _id, account) => {
    const id = String(inputs.clusterIdentifier ?? name);
    const clusterArn = `arn:aws:rds:${region}:${account}:cluster:${id}`;
    if (typeof inputs.globalClusterIdentifier === "string" && inputs.globalClusterIdentifier !== "") {
      joinGlobalCluster(inputs, region, account, clusterArn);
    }
    rdsClustersOf(account).set(clusterArn, { engineVersion: String(inputs.engineVersion), region, managedMasterSecret: inputs.manageMasterUserPassword === true });
    return {
      arn: `arn:aws:rds:${region}:${account}:cluster:${id}`,
      endpoint: `${id}.cluster-cfake0000000.${region}.rds.amazonaws.com`,
      readerEndpoint: `${id}.cluster-ro-cfake0000000.${region}.rds.amazonaws.com`,
      clusterResourceId: `cluster-FAKE${id.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
      port: inputs.port ?? 5432,
      // Only when RDS manages the password does it create (and report) a secret.
      masterUserSecrets: inputs.manageMasterUserPassword
        ? [
            {
              secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!cluster-${id}-AbCdEf`,
              kmsKeyId: inputs.masterUserSecretKmsKeyId,
              secretStatus: "active",
            },
          ]
        : [],
    };
  },
  "aws:rds/clusterInstance:ClusterInstance": (name, inputs, region) => {
    // Auto-named when no identifier is given, like the provider does (lower case: RDS requires it).
    const identifier = String(inputs.identifier ?? autoName(name));
    return { identifier, endpoint: `${identifier}.cfake0000000.${region}.rds.amazonaws.com` };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (name, inputs, region, _id, account) => {
    const id = String(inputs.replicationGroupId ?? name);
    return {
      arn: `arn:aws:elasticache:${region}:${account}:replicationgroup:${id}`,
      primaryEndpointAddress: `master.${id}.fake00.${region}.cache.amazonaws.com`,
      readerEndpointAddress: `replica.${id}.fake00.${region}.cache.amazonaws.com`,
      memberClusters: Array.from({ length: Number(inputs.numCacheClusters ?? 1) }, (_, i) => `${id}-00${i + 1}`),
    };
  },
  "aws:elasticache/user:User": (_name, inputs, region, _id, account) => ({
    arn: `arn:aws:elasticache:${region}:${account}:user:${String(inputs.userId)}`,
  }),
  "aws:elasticache/userGroup:UserGroup": (_name, inputs, region, _id, account) => ({
    arn: `arn:aws:elasticache:${region}:${account}:usergroup:${String(inputs.userGroupId)}`,
  }),
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, region, _id, account) => {
    const logGroupName = typeof inputs.name === "string" ? inputs.name : `${String(inputs.namePrefix ?? "")}${name}`;
    return { name: logGroupName, arn: `arn:aws:logs:${region}:${account}:log-group:${logGroupName}` };
  },
  "aws:s3/bucket:Bucket": (_name, _inputs, _region, id) => ({ bucket: id, arn: `arn:aws:s3:::${id}` }),
  // A new version id per key, as S3 gives every upload its own version.
  "aws:s3/bucketObjectv2:BucketObjectv2": (_name, inputs) => ({
    versionId: `v${Buffer.from(String(inputs.key)).toString("base64url").slice(-24)}`,
  }),
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
  "aws:ssm/parameter:Parameter": (name, inputs, region, _id, account) => {
    const parameterName = String(inputs.name ?? name);
    return { name: parameterName, arn: `arn:aws:ssm:${region}:${account}:parameter${parameterName.startsWith("/") ? "" : "/"}${parameterName}`, version: 1 };
  },
  // IAM is global: a role's ARN has no region.
  "aws:iam/role:Role": (name, inputs, _region, _id, account) => {
    const roleName = String(inputs.name ?? name);
    return { name: roleName, arn: `arn:aws:iam::${account}:role/${roleName}` };
  },
  "aws:iam/instanceProfile:InstanceProfile": (name, inputs, _region, _id, account) => {
    const profileName = String(inputs.name ?? name);
    return { name: profileName, arn: `arn:aws:iam::${account}:instance-profile/${profileName}` };
  },
  "aws:lb/loadBalancer:LoadBalancer": (name, _inputs, region, _id, account) => {
    const arnSuffix = `app/${name}/50dc6c495c0c9188`;
    return {
      arnSuffix,
      arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${arnSuffix}`,
      dnsName: `${name}-1234567890.${region}.elb.amazonaws.com`,
      zoneId: ALB_HOSTED_ZONES[region] ?? "ZFAKEALBZONE",
    };
  },
  "aws:lb/targetGroup:TargetGroup": (name, _inputs, region, _id, account) => {
    const arnSuffix = `targetgroup/${name}/73e2d6bc24d8a067`;
    return { arnSuffix, arn: `arn:aws:elasticloadbalancing:${region}:${account}:${arnSuffix}` };
  },
  "aws:autoscaling/group:Group": (name, inputs) => ({ name: String(inputs.name ?? name) }),
  // ECR, ECS and the image for computePlatform fargate (components/cluster/image.ts, fargateService.ts).
  "aws:ecr/repository:Repository": (name, inputs, region, _id, account) => {
    const repositoryName = String(inputs.name ?? autoName(name));
    return {
      name: repositoryName,
      registryId: account,
      repositoryUrl: `${account}.dkr.ecr.${region}.amazonaws.com/${repositoryName}`,
      arn: `arn:aws:ecr:${region}:${account}:repository/${repositoryName}`,
    };
  },
  // What BuildKit answers after a push: the manifest's digest (here a hash of what was asked to be
  // built) and the pushed tag pinned to it. Nothing is built: the mock cloud has no Docker engine.
  "docker-build:index:Image": (_name, inputs) => {
    const digest = `sha256:${createHash("sha256").update(JSON.stringify([inputs.tags, inputs.buildArgs, inputs.platforms])).digest("hex")}`;
    const tags = Array.isArray(inputs.tags) ? inputs.tags.map(String) : [];
    return { digest, ref: tags[0] ? `${tags[0]}@${digest}` : "", contextHash: digest.slice(7) };
  },
  "aws:ecs/cluster:Cluster": (name, inputs, region, _id, account) => {
    const clusterName = String(inputs.name ?? autoName(name));
    return { name: clusterName, arn: `arn:aws:ecs:${region}:${account}:cluster/${clusterName}` };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (_name, inputs, region, _id, account) => {
    const family = String(inputs.family);
    return {
      revision: 1,
      arn: `arn:aws:ecs:${region}:${account}:task-definition/${family}:1`,
      arnWithoutRevision: `arn:aws:ecs:${region}:${account}:task-definition/${family}`,
    };
  },
  "aws:ecs/service:Service": (name, inputs, region, _id, account) => {
    const serviceName = String(inputs.name ?? autoName(name));
    const cluster = String(inputs.cluster ?? "default").split("/").pop() ?? "default";
    return { name: serviceName, arn: `arn:aws:ecs:${region}:${account}:service/${cluster}/${serviceName}` };
  },
  "aws:dynamodb/table:Table": (name, inputs, region, _id, account) => {
    const tableName = String(inputs.name ?? name);
    const arn = `arn:aws:dynamodb:${region}:${account}:table/${tableName}`;
    const streamLabel = "2026-01-05T09:30:00.000";
    return { name: tableName, arn, ...(inputs.streamEnabled ? { streamArn: `${arn}/stream/${streamLabel}`, streamLabel } : {}) };
  },
  // A replica is the global table's name in this (the replica's) region.
  "aws:dynamodb/tableReplica:TableReplica": (_name, inputs, region, _id, account) => {
    const tableName = String(inputs.globalTableArn).split(":table/")[1];
    return { arn: `arn:aws:dynamodb:${region}:${account}:table/${tableName}`, kmsKeyArn: inputs.kmsKeyArn };
  },
  "aws:sqs/queue:Queue": (name, inputs, region, _id, account) => {
    const queueName = String(inputs.name ?? name);
    return {
      name: queueName,
      arn: `arn:aws:sqs:${region}:${account}:${queueName}`,
      url: `https://sqs.${region}.amazonaws.com/${account}/${queueName}`,
    };
  },
  "aws:lambda/function:Function": (name, inputs, region, _id, account) => {
    const functionName = String(inputs.name ?? name);
    return { name: functionName, arn: `arn:aws:lambda:${region}:${account}:function:${functionName}`, version: "$LATEST" };
  },
  "aws:dax/cluster:Cluster": (_name, inputs, region, _id, account) => {
    const clusterName = String(inputs.clusterName);
    const clusterAddress = `${clusterName}.fake00.dax-clusters.${region}.amazonaws.com`;
    const port = inputs.clusterEndpointEncryptionType === "TLS" ? 9111 : 8111;
    const zones = Array.isArray(inputs.availabilityZones) ? (inputs.availabilityZones as string[]) : [];
    return {
      arn: `arn:aws:dax:${region}:${account}:cache/${clusterName}`,
      clusterAddress,
      port,
      configurationEndpoint: `${clusterAddress}:${port}`,
      nodes: zones.map((availabilityZone, i) => ({ id: `${clusterName}-${"abcdefghijk"[i]}`, availabilityZone, port })),
    };
  },
  "aws:lambda/eventSourceMapping:EventSourceMapping": (name) => ({ uuid: `esm-${Buffer.from(name).toString("hex").slice(-12)}`, state: "Enabled" }),
  "aws:route53/record:Record": (_name, inputs) => ({ fqdn: String(inputs.name) }),
  "aws:sns/topic:Topic": (name, inputs, region, _id, account) => {
    const topicName = String(inputs.name ?? name);
    return { name: topicName, arn: `arn:aws:sns:${region}:${account}:${topicName}` };
  },
  "aws:sns/topicSubscription:TopicSubscription": (_name, inputs, _region, id) => ({
    // Email and HTTPS subscriptions stay "pending confirmation" until the endpoint confirms.
    arn: inputs.protocol === "email" || inputs.protocol === "https" ? "pending confirmation" : `${String(inputs.topic)}:${id}`,
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs, region, _id, account) => {
    const alarmName = String(inputs.name ?? name);
    return { name: alarmName, arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}` };
  },
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (name, inputs, region, _id, account) => {
    const alarmName = String(inputs.alarmName ?? name);
    return { alarmName, arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}` };
  },
  "aws:cloudwatch/eventRule:EventRule": (name, inputs, region, _id, account) => {
    const ruleName = String(inputs.name ?? name);
    return { name: ruleName, arn: `arn:aws:events:${region}:${account}:rule/${ruleName}` };
  },
  "aws:cloudwatch/dashboard:Dashboard": (name, inputs, _region, _id, account) => {
    const dashboardName = String(inputs.dashboardName ?? name);
    return { dashboardName, dashboardArn: `arn:aws:cloudwatch::${account}:dashboard/${dashboardName}` };
  },
  "aws:dax/subnetGroup:SubnetGroup": (name, inputs) => ({ name: String(inputs.name ?? name) }),
  // Cognito generates an app client's secret; a recognisable fake lets tests prove it never leaks.
  "aws:cognito/userPoolClient:UserPoolClient": (name, inputs) => (inputs.generateSecret ? { clientSecret: `${FAKE_CLIENT_SECRET_PREFIX}${name}` } : {}),
  "aws:dax/parameterGroup:ParameterGroup": (name, inputs) => ({ name: String(inputs.name ?? name) }),
};

/** The name the provider gives a resource declared without one (lower case: RDS requires it). */
function autoName(name: string): string {
  return `${name}-a1b2c3d`.toLowerCase();
}

/** Outputs of a created resource: its inputs, an id and ARN, and the type's computed fields. */
export function fakeOutputs(type: string, name: string, inputs: Props, region: string, account: string = FAKE_ACCOUNT_ID): { id: string; state: Props } {
  // A global cluster's id is its identifier (the provider's import id), which members name.
  const id = type === "aws:rds/globalCluster:GlobalCluster" ? String(inputs.globalClusterIdentifier) : `${kindOf(type)}-${name}`;
  const common: Props = {
    arn: `arn:aws:${serviceOf(type)}:${region}:${account}:${kindOf(type)}/${name}`,
  };
  const computed = OUTPUT_FAKES[type]?.(name, inputs, region, id, account) ?? {};
  return { id, state: { ...common, ...inputs, ...computed } };
}
