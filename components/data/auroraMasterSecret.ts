/** The master user's secret of a global database's primary cluster, and its password version. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSettings, GlobalPrimaryArgs } from "./auroraArgs";

/**
 * Raise to give the global primary's master user a new password: the secret's version and the
 * cluster's write-only password are sent again with a new generated value (write-only arguments are
 * sent only when their version changes). RDS cannot rotate it for a global database (no managed
 * secret), so rotation is this counter plus a `pulumi up` of the stack holding the global cluster.
 */
export const MASTER_PASSWORD_VERSION = 1;

/** The master secret a global primary owns (RDS cannot manage one for a global database's member). */
export function masterSecretOf(
  scope: pulumi.Resource,
  name: string,
  clusterId: string,
  key: aws.kms.Key,
  settings: DatabaseSettings,
  global: GlobalPrimaryArgs,
): { secret: aws.secretsmanager.Secret; password: pulumi.Output<string> } {
  // 40 letters and digits: PostgreSQL master passwords take 8-128 printable characters except
  // "/", '"', "@" and space (RDS naming constraints); letters and digits need no escaping anywhere.
  const password = pulumi.secret(
    aws.secretsmanager.getRandomPasswordOutput({ passwordLength: 40, excludePunctuation: true }, { parent: scope }).apply((r) => r.randomPassword ?? ""),
  );
  const secret = new aws.secretsmanager.Secret(
    `${name}-db-master`,
    {
      name: `${clusterId}-master`,
      description: `Master user of the global database ${global.identifier} (JSON username/password)`,
      kmsKeyId: key.arn,
      // A copy in every secondary's region: after a switchover or a failover the new writer's stack
      // runs the migrations with the copy in its own region, even when this region is gone. A
      // replica is encrypted with that region's aws/secretsmanager key: the secondary's own key is
      // created by its stack, after this one.
      replicas: global.secretReplicaRegions.map((region) => ({ region })),
    },
    { parent: scope },
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-db-master`,
    {
      secretId: secret.id,
      secretStringWo: pulumi.jsonStringify({ username: settings.masterUsername ?? "trading_admin", password }),
      secretStringWoVersion: MASTER_PASSWORD_VERSION,
    },
    { parent: scope },
  );
  return { secret, password };
}
