// Fixtures of data-tier-isolated: the builders' three-tier VPC (isolated data subnets), then the ways a data subnet reaches the internet.
import { network, T } from "../support/builders";
import { Fixture, FixtureResource } from "../support/fixture";

export const AZS = ["use1-az1", "use1-az2", "use1-az4"];

/** Data subnets in RDS, cache and DAX subnet groups, each on its own route table with only the local route. */
export function isolatedDataTier(fx: Fixture): { data: FixtureResource[]; igw: FixtureResource; nats: FixtureResource[]; vpc: FixtureResource } {
  const net = network(fx, AZS);
  fx.add(T.rdsSubnetGroup, "db-subnets", { subnetIds: net.subnets.data.map((s) => fx.ref(s)) });
  fx.add("aws:elasticache/subnetGroup:SubnetGroup", "cache-subnets", { subnetIds: net.subnets.data.map((s) => fx.ref(s)) });
  fx.add("aws:dax/subnetGroup:SubnetGroup", "dax-subnets", { subnetIds: net.subnets.data.map((s) => fx.ref(s)) });
  return { data: net.subnets.data, igw: fx.get("igw"), nats: net.nats, vpc: net.vpc };
}

/** Every way out: a Route to the IGW, an inline NAT route, an egress-only route on an untagged subnet of a group. */
export function leakyDataTier(fx: Fixture): void {
  const { data, igw, nats, vpc } = isolatedDataTier(fx);
  fx.add(T.route, "data-to-igw", { routeTableId: fx.ref(fx.get(`data-rt-${data[0].name}`)), destinationCidrBlock: "0.0.0.0/0", gatewayId: fx.ref(igw) });
  const natTable = fx.add(T.routeTable, "data-nat-rt", { vpcId: fx.ref(vpc), routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: fx.ref(nats[1]) }] });
  fx.add(T.rta, "data-nat-rta", { subnetId: fx.ref(data[1]), routeTableId: fx.ref(natTable) });
  const eigw = fx.add("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "eigw", { vpcId: fx.ref(vpc) });
  const untagged = fx.add(T.subnet, "cache-extra", { vpcId: fx.ref(vpc), cidrBlock: "10.0.9.0/24", availabilityZoneId: AZS[2] });
  fx.add("aws:elasticache/subnetGroup:SubnetGroup", "cache-extra-subnets", { subnetIds: [fx.ref(untagged)] });
  const v6 = fx.add(T.routeTable, "v6-rt", { vpcId: fx.ref(vpc) });
  fx.add(T.route, "v6-out", { routeTableId: fx.ref(v6), destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId: fx.ref(eigw) });
  fx.add(T.rta, "cache-extra-rta", { subnetId: fx.ref(untagged), routeTableId: fx.ref(v6) });
}
