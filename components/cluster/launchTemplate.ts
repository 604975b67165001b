/**
 * What every instance is launched with: the stack's pinned Amazon Linux 2023 AMI, the boot script (userData.ts), IMDSv2 only, an encrypted gp3 root volume, no public IP.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DataAccess } from "../data/access";
import { architectureOf } from "./config";
import { BootSettings, renderUserData } from "./userData";

/**
 * Public SSM parameter of the current Amazon Linux 2023 AMI for an architecture. Read by the bump
 * command (offline/ops/amiLatestCli.ts), not at `pulumi up`: a lookup there rolled production onto
 * whatever AMI AWS had published whenever any change merged.
 */
export function al2023AmiParameter(instanceType: string): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(instanceType)}`;
}

/** The boot settings other resources produce (names, ids, endpoints), as Inputs. */
type ProducedBootSettings =
  | "region"
  | "artifactBucket"
  | "artifactKey"
  | "tableName"
  | "daxEndpoint"
  | "cursorSecretParameter"
  | "logGroupName"
  | "writeRegionParameter"
  | "authentication";

/** Inputs of {@link launchTemplate}. */
export interface LaunchTemplateArgs {
  /** EC2 instance type (its architecture must be the AMI's). */
  readonly instanceType: string;
  /** The pinned AMI (stack config clusterAmiId). */
  readonly imageId: pulumi.Input<string>;
  readonly instanceProfileArn: pulumi.Input<string>;
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** Tags of the instances' volumes and network interfaces. */
  readonly instanceTags: Record<string, string>;
  /** Boot settings that come from other resources. */
  readonly boot: { readonly [K in ProducedBootSettings]: pulumi.Input<BootSettings[K]> };
  /** Boot settings known when the program runs. */
  readonly fixedBoot: Omit<BootSettings, ProducedBootSettings | "referenceData">;
  /** Aurora and the cache: their endpoints go into the service's environment. */
  readonly referenceData?: DataAccess;
}

/** Registers the launch template under `scope`; each change of it is a new version for the ASG. */
export function launchTemplate(scope: pulumi.Resource, name: string, args: LaunchTemplateArgs): aws.ec2.LaunchTemplate {
  const parent = { parent: scope };
  const b = args.boot;
  const userData = pulumi
    .all([
      pulumi.all([b.region, b.artifactBucket, b.artifactKey, b.tableName, b.daxEndpoint, b.cursorSecretParameter, b.logGroupName]),
      referenceDataEndpoints(args.referenceData),
      pulumi.output(b.writeRegionParameter),
      b.authentication,
    ])
    .apply(([[region, artifactBucket, artifactKey, tableName, daxEndpoint, cursorSecretParameter, logGroupName], referenceData, writeRegionParameter, authentication]) =>
      Buffer.from(
        renderUserData({
          region,
          artifactBucket,
          artifactKey,
          tableName,
          daxEndpoint,
          cursorSecretParameter,
          logGroupName,
          ...(writeRegionParameter ? { writeRegionParameter } : {}),
          ...(authentication ? { authentication } : {}),
          ...args.fixedBoot,
          ...(referenceData ? { referenceData } : {}),
        }),
      ).toString("base64"),
    );
  return new aws.ec2.LaunchTemplate(
    `${name}-api`,
    {
      description: "Trading API instances (Amazon Linux 2023)",
      imageId: args.imageId,
      instanceType: args.instanceType,
      iamInstanceProfile: { arn: args.instanceProfileArn },
      userData,
      updateDefaultVersion: true,
      // IMDSv2 only, and a hop limit of 1 so nothing in a container or behind a proxy on the host
      // can reach the instance credentials.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      monitoring: { enabled: true },
      networkInterfaces: [
        { deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [args.appSecurityGroupId], deleteOnTermination: "true" },
      ],
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          // The account's AWS-managed EBS key: a customer key would need a key-policy grant to the
          // Auto Scaling service-linked role, which may not exist yet in a fresh account.
          ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", deleteOnTermination: "true" },
        },
      ],
      tagSpecifications: [
        { resourceType: "volume", tags: args.instanceTags },
        { resourceType: "network-interface", tags: args.instanceTags },
      ],
    },
    parent,
  );
}

/** The service's view of Aurora and the cache (their endpoints and users), as one Output. */
export function referenceDataEndpoints(access: DataAccess | undefined): pulumi.Output<BootSettings["referenceData"]> {
  if (!access) return pulumi.output(undefined);
  return pulumi
    .all([access.dbReaderEndpoint, access.dbPort, access.dbName, access.dbUser, access.cachePrimaryEndpoint, access.cachePort, access.cacheUserName, access.cacheReplicationGroupId])
    .apply(([dbReaderEndpoint, dbPort, dbName, dbUser, cachePrimaryEndpoint, cachePort, cacheUserName, cacheReplicationGroupId]) => ({
      dbReaderEndpoint,
      dbPort,
      dbName,
      dbUser,
      cachePrimaryEndpoint,
      cachePort,
      cacheUserName,
      cacheReplicationGroupId,
    }));
}
