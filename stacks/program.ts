/**
 * The platform, composed per stack role. `stacks/index.ts` hands this function to the Pulumi
 * runtime; the test harness calls it directly under mocks.
 */
import { ClusterSecurityGroups } from "../components/cluster/securityGroups";
import { HaNetwork } from "../components/network/haNetwork";
import { loadStackConfig } from "./config";

export async function main(): Promise<Record<string, unknown>> {
  // Validate everything before the first resource is registered: a bad stack file creates nothing.
  const config = loadStackConfig();

  const network = new HaNetwork("trading", {
    cidrBlock: config.vpcCidr,
    availabilityZoneIds: config.azIds,
    subnetPrefixes: { public: config.publicSubnetPrefix, app: config.appSubnetPrefix, data: config.dataSubnetPrefix },
    azSlotsPerTier: config.azSlotsPerTier,
    natGatewayMode: config.natGatewayMode,
    flowLogRetentionDays: config.flowLogRetentionDays,
  });

  // Step 2: the cluster's security groups, before the data stores, which admit the app group.
  const clusterSecurityGroups = new ClusterSecurityGroups("trading", {
    vpcId: network.vpcId,
    ingressCidrs: config.clusterIngressCidrs,
    appPort: config.clusterAppPort,
  });

  return {
    environment: config.environment,
    role: config.role,
    region: config.region,
    network: {
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      availabilityZoneIds: network.availabilityZoneIds,
      availabilityZoneNames: network.availabilityZoneNames,
      publicSubnetIds: network.publicSubnetIds,
      appSubnetIds: network.appSubnetIds,
      dataSubnetIds: network.dataSubnetIds,
      publicRouteTableId: network.publicRouteTableId,
      appRouteTableIds: network.appRouteTableIds,
      dataRouteTableIds: network.dataRouteTableIds,
    },
    cluster: {
      albSecurityGroupId: clusterSecurityGroups.albSecurityGroupId,
      appSecurityGroupId: clusterSecurityGroups.appSecurityGroupId,
    },
  };
}
