/** The name of the final snapshot an Aurora cluster's deletion leaves. */
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSettings } from "./auroraArgs";
import { generationOf, ID_LIMITS, physicalId } from "./catalog";

/**
 * `<cluster id>-<generation>-final`. The generation hashes what forces a new cluster
 * (terraform-provider-aws aws_rds_cluster, ForceNew: cluster_identifier, engine, engine_mode,
 * database_name, master_username, kms_key_id, storage_encrypted, db_subnet_group_name), so it
 * changes exactly when the cluster is replaced, and after a destroy, whose re-create has a new
 * KMS key (a new key id) and a new subnet group (a new generated name). A random suffix would be
 * simpler but @pulumi/random is not a dependency, and the name stays known in advance: the
 * snapshot a deletion leaves is found by the cluster id and the generation in the state. The
 * identifier itself is not part of a replacement diff: terraform updates final_snapshot_identifier in
 * place, and a deletion uses the value the old cluster's state holds.
 */
export function finalSnapshotOf(clusterId: string, settings: DatabaseSettings, keyArn: pulumi.Output<string>, subnetGroupName: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.all([keyArn, subnetGroupName]).apply(([kmsKeyArn, dbSubnetGroupName]) => {
    const generation = generationOf({
      clusterId,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      databaseName: settings.databaseName ?? "trading",
      masterUsername: settings.masterUsername ?? "trading_admin",
      kmsKeyArn,
      storageEncrypted: true,
      dbSubnetGroupName,
    });
    return physicalId([clusterId, generation, "final"], ID_LIMITS.rdsSnapshot);
  });
}
