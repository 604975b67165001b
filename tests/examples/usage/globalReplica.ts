/**
 * A replica region of an existing primary, composed directly: the usage snippet of GlobalReplica in
 * components/dynamo/README.md (offline/componentDocs.ts copies the `usage:` region), run by
 * tests/examples/usage.test.ts with a real primary's outputs as the StackReference's value.
 */
import { ClusterSecurityGroups } from "../../../components/cluster/securityGroups";
import { GlobalReplica } from "../../../components/dynamo/globalReplica";
import { HaNetwork } from "../../../components/network/haNetwork";
import { platformOutputs } from "../../../stacks/platformOutputs";

/** The primary this replica reads (its outputs are the test's StackReference value). */
export const PRIMARY_STACK = "acme-markets/trading-platform/prod-us-east-1";

export async function replicaRegion() {
  const network = new HaNetwork("trading", { cidrBlock: "10.42.0.0/16", availabilityZoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"] });
  const groups = new ClusterSecurityGroups("trading", { vpcId: network.vpcId, ingressCidrs: [], appPort: 8080 });

  // #region usage:GlobalReplica
  // The primary's `dynamo` section, validated before anything is registered; the replica depends on
  // the StackReference it came from.
  const primary = await platformOutputs(PRIMARY_STACK, { role: "primary", sections: ["dynamo"], name: "primary" });
  const replica = new GlobalReplica("trading", {
    primary: primary.values.dynamo,
    primaryReference: primary.reference,
    // Read scaling is this region's own; write scaling is the primary's (DynamoDB replicates it).
    tableRead: { min: 5, max: 200, targetUtilization: 70 },
    indexRead: { min: 5, max: 200, targetUtilization: 70 },
    deletionProtection: true,
    network: { vpcId: network.vpcId, dataSubnets: network.zones.map((zone) => zone.dataSubnet), appSecurityGroupId: groups.appSecurityGroupId },
    // DAX is regional: each region has its own cluster, three nodes over three AZs in prod.
    dax: { clusterName: "trading-prod", nodeType: "dax.r5.large", replicationFactor: 3, itemTtlMillis: 60_000, queryTtlMillis: 1_000 },
  });
  // #endregion usage:GlobalReplica

  return { tableArn: replica.tableArn, daxEndpoint: replica.daxEndpoint, localStreamArn: replica.localStreamArn };
}
