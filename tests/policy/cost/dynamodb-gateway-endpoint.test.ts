// dynamodb-gateway-endpoint, with its fixtures: NAT-routed tables behind a DynamoDB gateway endpoint pass; one left out fails.
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { network } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const AZS = ["use1-az1", "use1-az2", "use1-az4"];
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

describe("dynamodb-gateway-endpoint", () => {
  for (const preview of [false, true]) {
    it(`passes when every NAT-routed table is on the endpoint, by routeTableIds or an association (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      const net = network(fx, AZS);
      const endpoint = fx.add(ENDPOINT, "dynamodb", {
        vpcId: fx.ref(net.vpc),
        serviceName: "com.amazonaws.us-east-1.dynamodb",
        vpcEndpointType: "Gateway",
        routeTableIds: net.appRouteTables.slice(0, 2).map((t) => fx.ref(t)),
      });
      fx.add("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "dynamodb-last", { vpcEndpointId: fx.ref(endpoint), routeTableId: fx.ref(net.appRouteTables[2]) });
      expect(messagesOf(await evaluate(costPack, fx, { "monthly-budget": { monthlyBudgetUsd: 100000 } }), "dynamodb-gateway-endpoint")).to.deep.equal([]);
    });
  }

  it("reports NAT-routed tables without one (an S3 endpoint does not count)", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    fx.add(ENDPOINT, "s3", { vpcId: fx.ref(net.vpc), serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", routeTableIds: net.appRouteTables.map((t) => fx.ref(t)) });
    fx.add(ENDPOINT, "dynamodb", { vpcId: fx.ref(net.vpc), serviceName: "com.amazonaws.us-east-1.dynamodb", vpcEndpointType: "Gateway", routeTableIds: [fx.ref(net.appRouteTables[0])] });
    expect(messagesOf(await evaluate(costPack, fx, { "monthly-budget": { monthlyBudgetUsd: 100000 } }), "dynamodb-gateway-endpoint")).to.deep.equal([
      "route table app-rt-app-use1-az2 sends traffic through a NAT gateway but has no DynamoDB gateway endpoint: DynamoDB requests pay NAT processing",
      "route table app-rt-app-use1-az4 sends traffic through a NAT gateway but has no DynamoDB gateway endpoint: DynamoDB requests pay NAT processing",
    ]);
  });
});
