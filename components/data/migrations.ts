import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ARCHIVE_MIGRATIONS_DIR,
  MIGRATION_HANDLER_ENTRY,
  migrationFiles,
  migrationSetHash,
} from "../../services/reference-data/contract";
import { ARCHIVE_HANDLER, bundleHandler } from "../dynamo/bundle";
import { physicalId } from "./catalog";
import { POSTGRES_PORT } from "./dataTier";

/**
 * The migration function's deployment archive, file name -> content: the bundled handler as
 * `index.js` (handler `index.handler`) and the migration files beside it under `migrations/`, where
 * the handler looks for them. tests/services/migrationHandler.test.ts runs exactly this.
 */
export async function migrationArchiveFiles(): Promise<Record<string, string>> {
  const code = await bundleHandler(MIGRATION_HANDLER_ENTRY);
  const contents: Record<string, string> = { "index.js": code };
  for (const file of migrationFiles()) contents[`${ARCHIVE_MIGRATIONS_DIR}/${file.name}`] = file.sql;
  return contents;
}

/** Inputs of ReferenceDataMigrations. */
export interface ReferenceDataMigrationsArgs {
  /** The VPC of the subnets. Required. */
  vpcId: pulumi.Input<string>;
  /**
   * Subnets for the function's network interfaces: the app subnets, whose NAT route reaches Secrets
   * Manager (the data subnets have no route out). Required, one per AZ.
   */
  subnetIds: pulumi.Input<string>[];
  /** Aurora's security group: it gains one ingress rule from the function's group. Required. */
  dbSecurityGroupId: pulumi.Input<string>;
  /** Writer endpoint, port and database the migrations run against. Required. */
  dbWriterEndpoint: pulumi.Input<string>;
  /** Port of the writer endpoint. */
  dbPort: pulumi.Input<number>;
  /** Database the migrations run in. */
  dbName: pulumi.Input<string>;
  /** The RDS-managed master secret (JSON username/password) and the key it is encrypted with. Required. */
  dbMasterSecretArn: pulumi.Input<string>;
  /** Key the master secret is encrypted with: the function may decrypt the secret with it. */
  dbKmsKeyArn: pulumi.Input<string>;
  /**
   * Resources the invocation waits for, beyond the endpoint and secret inputs: the writer instance,
   * since the cluster resource exists before any instance accepts connections.
   * @default - none
   */
  waitFor?: pulumi.Input<pulumi.Resource>[];
  /**
   * Days the function's log group keeps logs.
   * @default 30
   */
  logRetentionDays?: pulumi.Input<number>;
  /**
   * Whether this deployment invokes the function. Only a stack whose cluster holds the writer may:
   * against a global database's read-only secondary every migration fails ("cannot execute CREATE
   * TABLE in a read-only transaction"), and with it the `pulumi up`. Without the invocation the
   * function is still deployed, ready for the stack that holds the writer after a switchover.
   * @default true
   */
  invoke?: boolean;
  /**
   * Base of the function's physical name (`<identifier>-refdata-migrations`, at most 64 characters)
   * and so of its log group's: Lambda function and log group names are unique per account and
   * region, and dev and prod-us-east-1 share both.
   * @default `<name>-<stack>`
   */
  identifier?: string;
}

/** Lambda's limit on a function name given without its ARN (Lambda API reference, CreateFunction: FunctionName). */
export const FUNCTION_NAME_LIMIT = 64;

/**
 * The reference-data schema and the application roles, applied by `pulumi up` itself: a Lambda in
 * the VPC carrying the migration files (services/reference-data/migrations) and an
 * `aws.lambda.Invocation` that runs it. The invocation's default lifecycle (CREATE_ONLY) invokes the
 * function only when the resource is created or replaced, and a change of `triggers` replaces it;
 * the trigger is the hash of the migration set (and the published function version), so the function
 * runs exactly when the migrations change and a deployment fails if it throws
 * (https://www.pulumi.com/registry/packages/aws/api-docs/lambda/invocation/). The function itself is
 * idempotent and serialises overlapping runs with an advisory lock.
 */
export class ReferenceDataMigrations extends pulumi.ComponentResource {
  /** Name of the migration Lambda (`<identifier>-refdata-migrations`). */
  public readonly functionName: pulumi.Output<string>;
  /** The function's security group, which Aurora's group admits on the PostgreSQL port. */
  public readonly securityGroupId: pulumi.Output<string>;
  /** Hash of the migration set the last `pulumi up` applied. */
  public readonly migrationSetSha256: string;
  /** The function's summary of the run ({applied, total, migrationSetSha256}), as JSON; "" where not invoked. */
  public readonly result: pulumi.Output<string>;
  /** The invocation, where this stack holds the writer (ReferenceDataMigrationsArgs.invoke). */
  public readonly invocation?: aws.lambda.Invocation;

  constructor(name: string, args: ReferenceDataMigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:data:ReferenceDataMigrations", name, {}, opts);
    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const files = migrationFiles();
    this.migrationSetSha256 = migrationSetHash(files);

    const group = new aws.ec2.SecurityGroup(
      `${name}-fn`,
      { vpcId: args.vpcId, description: "Reference-data migration function: Aurora and HTTPS out, nothing in", tags: { Name: `${name}-fn` } },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-fn-out-db`,
      { securityGroupId: group.id, ipProtocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, referencedSecurityGroupId: args.dbSecurityGroupId, description: "To Aurora" },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-fn-out-https`,
      // Secrets Manager's regional endpoint through the NAT gateway (no interface endpoint is paid for).
      { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "To Secrets Manager (HTTPS via NAT)" },
      parent,
    );
    const dbIngress = new aws.vpc.SecurityGroupIngressRule(
      `${name}-db-in-fn`,
      { securityGroupId: args.dbSecurityGroupId, ipProtocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, referencedSecurityGroupId: group.id, description: "Aurora from the migration function" },
      parent,
    );

    const role = new aws.iam.Role(
      `${name}-fn`,
      {
        description: "Reference-data migration function",
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
          ],
        }),
      },
      parent,
    );
    const vpcAccess = new aws.iam.RolePolicyAttachment(
      `${name}-fn-vpc`,
      // Network interfaces in the VPC and its own logs; AWS offers no narrower managed policy.
      { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole` },
      parent,
    );
    const secretAccess = new aws.iam.RolePolicy(
      `${name}-fn-secret`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "MasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: args.dbMasterSecretArn },
            {
              Sid: "DecryptMasterSecret",
              Effect: "Allow",
              Action: ["kms:Decrypt"],
              Resource: args.dbKmsKeyArn,
              Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`secretsmanager.${region}.amazonaws.com` } },
            },
          ],
        }),
      },
      parent,
    );
    // Stack-scoped: a function name is one per account and region, and with one name for every stack
    // the second of dev and prod-us-east-1 failed with ResourceConflictException ("The resource
    // already exists", Lambda API reference, CreateFunction errors); a bare name is "limited to 64
    // characters in length" (same reference, FunctionName). A name that does not fit fails here,
    // naming it, rather than being cut to a prefix two stacks could share.
    const functionName = physicalId([args.identifier ?? `${name}-${pulumi.getStack()}`, "refdata-migrations"], FUNCTION_NAME_LIMIT);
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-fn-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays ?? 30 },
      parent,
    );

    const archive = migrationArchiveFiles().then((contents) => {
      const assets: Record<string, pulumi.asset.Asset> = {};
      for (const [name, text] of Object.entries(contents)) assets[name] = new pulumi.asset.StringAsset(text);
      return new pulumi.asset.AssetArchive(assets);
    });
    const fn = new aws.lambda.Function(
      `${name}-fn`,
      {
        name: functionName,
        description: "Applies the reference-data migrations (invoked by pulumi up)",
        runtime: "nodejs24.x",
        architectures: ["arm64"],
        handler: ARCHIVE_HANDLER,
        code: pulumi.output(archive),
        role: role.arn,
        timeout: 300,
        memorySize: 256,
        publish: true,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [group.id] },
        environment: {
          variables: {
            DB_HOST: args.dbWriterEndpoint,
            DB_PORT: pulumi.output(args.dbPort).apply(String),
            DB_NAME: args.dbName,
            DB_MASTER_SECRET_ARN: args.dbMasterSecretArn,
            NODE_OPTIONS: "--enable-source-maps",
          },
        },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      },
      { parent: this, dependsOn: [vpcAccess, secretAccess, logGroup] },
    );

    // Created where the writer is; removed from a stack that no longer holds it (its deletion invokes
    // nothing) and created again, so run once, when the writer comes back.
    this.invocation =
      args.invoke === false
        ? undefined
        : new aws.lambda.Invocation(
            `${name}-run`,
            {
              functionName: fn.name,
              qualifier: fn.version,
              input: JSON.stringify({ migrationSetSha256: this.migrationSetSha256 }),
              triggers: { migrationSetSha256: this.migrationSetSha256, functionVersion: fn.version },
            },
            { parent: this, dependsOn: [dbIngress, ...(args.waitFor ?? [])] },
          );

    this.functionName = fn.name;
    this.securityGroupId = group.id;
    this.result = this.invocation ? this.invocation.result : pulumi.output("");
    this.registerOutputs({ functionName: this.functionName, securityGroupId: this.securityGroupId, result: this.result });
  }
}
