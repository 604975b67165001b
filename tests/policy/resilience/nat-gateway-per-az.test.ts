// nat-gateway-per-az: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS } from "./fixtures";
import { network, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("nat-gateway-per-az", () => {
  it("reports a single NAT gateway serving three AZs", async () => {
    const fx = new Fixture({ preview: true });
    network(fx, AZS, { nat: "single" });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "nat-gateway-per-az")).to.deep.equal([
      "AZ use1-az2 has subnets that reach the internet through NAT gateway nat-public-use1-az1 in use1-az1 but no NAT gateway of its own",
      "route table app-rt-app-use1-az2 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1 but serves subnet(s) in use1-az2 (app-use1-az2)",
      "AZ use1-az4 has subnets that reach the internet through NAT gateway nat-public-use1-az1 in use1-az1 but no NAT gateway of its own",
      "route table app-rt-app-use1-az4 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1 but serves subnet(s) in use1-az4 (app-use1-az4)",
    ]);
  });

  it("reports a route table that crosses AZs although every AZ has a NAT", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS, { nat: "none" });
    const nats = net.subnets.public.map((subnet) => fx.add(T.nat, `nat-${subnet.name}`, { subnetId: fx.ref(subnet) }));
    net.appRouteTables.forEach((rt, i) => {
      fx.add(T.route, `default-${i}`, { routeTableId: fx.ref(rt), destinationCidrBlock: "0.0.0.0/0", natGatewayId: fx.ref(nats[i === 2 ? 0 : i]) });
    });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "nat-gateway-per-az")).to.deep.equal([
      "route table app-rt-app-use1-az4 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1 but serves subnet(s) in use1-az4 (app-use1-az4)",
    ]);
  });

  it("reads default routes declared inline on the route table", async () => {
    const fx = new Fixture();
    const net = network(fx, ["use1-az1"], { nat: "none" });
    const nat = fx.add(T.nat, "nat", { subnetId: fx.ref(net.subnets.public[0]) });
    const other = fx.add(T.subnet, "app-other", { vpcId: fx.ref(net.vpc), availabilityZoneId: "use1-az2" });
    const rt = fx.add(T.routeTable, "inline-rt", { vpcId: fx.ref(net.vpc), routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: fx.ref(nat) }] });
    fx.add(T.rta, "inline-rta", { subnetId: fx.ref(other), routeTableId: fx.ref(rt) });
    const result = await evaluate(resiliencePack, fx, { all: "advisory", "subnet-tiers-span-azs": "disabled" });
    expect(messagesOf(result, "nat-gateway-per-az")).to.deep.equal([
      "AZ use1-az2 has subnets that reach the internet through NAT gateway nat in use1-az1 but no NAT gateway of its own",
      "route table inline-rt sends 0.0.0.0/0 through NAT gateway nat in use1-az1 but serves subnet(s) in use1-az2 (app-other)",
    ]);
  });
});
