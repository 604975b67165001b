import { expect } from "chai";
import { RecordedResource, runStackFile, StackRun, readStackFile, STACKS } from "../../support/mockCloud";
import { deployedStackRun } from "../../support/stackRuns";

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const NAT = "aws:ec2/natGateway:NatGateway";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** The one resource a property's value came from (e.g. the subnet behind a NAT's subnetId). */
function source(run: StackRun, resource: RecordedResource, property: string): RecordedResource {
  const sources = run.propertyDependencies(resource, property);
  expect(sources, `${resource.name}.${property}`).to.have.length(1);
  return sources[0];
}

const azIdOf = (subnet: RecordedResource) => subnet.inputs.availabilityZoneId as string;
const tierOf = (resource: RecordedResource) => (resource.inputs.tags as Record<string, string>).Tag ?? (resource.inputs.tags as Record<string, string>).Tier;

/** Subnets associated with a route table, through the associations' property dependencies. */
function subnetsOfRouteTable(run: StackRun, table: RecordedResource): RecordedResource[] {
  return run
    .ofType(ASSOCIATION)
    .filter((a) => source(run, a, "routeTableId").urn === table.urn)
    .map((a) => source(run, a, "subnetId"));
}

function routesOf(run: StackRun, table: RecordedResource): RecordedResource[] {
  return run.ofType(ROUTE).filter((r) => source(run, r, "routeTableId").urn === table.urn);
}

function privateRouteTables(run: StackRun): RecordedResource[] {
  return run.ofType(ROUTE_TABLE).filter((t) => tierOf(t) !== "public");
}

for (const stack of STACKS) {
  for (const preview of [false, true]) {
    describe(`HaNetwork in ${stack}${preview ? " (preview: ids unknown)" : ""}`, () => {
      let run: StackRun;
      const stackFile = readStackFile(stack);
      const azIds = stackFile["trading-platform:azIds"] as string[];
      const prod = stackFile["trading-platform:environment"] === "prod";

      before(async () => {
        run = await (preview ? runStackFile(stack, { preview }) : deployedStackRun(stack));
      });

      for (const tier of ["public", "app", "data"]) {
        it(`spreads the ${tier} tier over the stack's three distinct AZ IDs`, () => {
          const subnets = run.ofType(SUBNET).filter((s) => tierOf(s) === tier);
          expect(subnets.map(azIdOf)).to.have.members(azIds);
          expect(new Set(subnets.map(azIdOf)).size).to.equal(3);
        });
      }

      it("places every subnet inside the VPC and no two subnets on the same addresses", () => {
        const cidrs = run.ofType(SUBNET).map((s) => s.inputs.cidrBlock as string);
        expect(new Set(cidrs).size).to.equal(9);
        const vpc = run.single("aws:ec2/vpc:Vpc");
        expect(vpc.inputs.cidrBlock).to.equal(stackFile["trading-platform:vpcCidr"]);
        expect(vpc.inputs.enableDnsSupport).to.equal(true);
        expect(vpc.inputs.enableDnsHostnames).to.equal(true);
      });

      it("gives each app subnet a default route through a NAT gateway, in its own AZ where there is one per AZ", () => {
        const nats = run.ofType(NAT);
        const natAzs = nats.map((n) => azIdOf(source(run, n, "subnetId")));
        for (const nat of nats) {
          expect(tierOf(source(run, nat, "subnetId"))).to.equal("public");
        }
        const appTables = run.ofType(ROUTE_TABLE).filter((t) => tierOf(t) === "app");
        expect(appTables).to.have.length(3);
        for (const table of appTables) {
          const subnets = subnetsOfRouteTable(run, table);
          expect(subnets, table.name).to.have.length(1);
          const defaults = routesOf(run, table).filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0");
          expect(defaults, table.name).to.have.length(1);
          const nat = source(run, defaults[0], "natGatewayId");
          expect(nat.type).to.equal(NAT);
          if (natAzs.length === 3) {
            expect(azIdOf(source(run, nat, "subnetId")), table.name).to.equal(azIdOf(subnets[0]));
          }
        }
        if (prod) {
          expect(new Set(natAzs)).to.have.keys(azIds);
        }
      });

      it("gives data subnets no route to the internet", () => {
        const dataSubnets = run.ofType(SUBNET).filter((s) => tierOf(s) === "data");
        for (const subnet of dataSubnets) {
          const tables = run
            .ofType(ASSOCIATION)
            .filter((a) => source(run, a, "subnetId").urn === subnet.urn)
            .map((a) => source(run, a, "routeTableId"));
          expect(tables, subnet.name).to.have.length(1);
          const routes = routesOf(run, tables[0]);
          expect(routes, `routes of ${tables[0].name}`).to.deep.equal([]);
        }
      });

      it("attaches the DynamoDB and S3 gateway endpoints to every private route table", () => {
        const privateTables = privateRouteTables(run).map((t) => t.urn);
        expect(privateTables).to.have.length(6);
        const endpoints = run.ofType(ENDPOINT);
        const services = endpoints.map((e) => e.inputs.serviceName);
        if (!preview) {
          const region = stackFile["aws:region"];
          expect(services).to.have.members([`com.amazonaws.${region}.dynamodb`, `com.amazonaws.${region}.s3`]);
        }
        for (const endpoint of endpoints) {
          expect(endpoint.inputs.vpcEndpointType).to.equal("Gateway");
          expect(run.propertyDependencies(endpoint, "routeTableIds").map((t) => t.urn)).to.have.members(privateTables);
        }
      });

      it("strips every rule from the default security group and logs all flows", () => {
        const defaultSg = run.single("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
        expect(defaultSg.inputs.ingress).to.deep.equal([]);
        expect(defaultSg.inputs.egress).to.deep.equal([]);
        const flowLog = run.single("aws:ec2/flowLog:FlowLog");
        expect(flowLog.inputs.trafficType).to.equal("ALL");
        expect(source(run, flowLog, "vpcId").type).to.equal("aws:ec2/vpc:Vpc");
        const logGroup = source(run, flowLog, "logDestination");
        expect(logGroup.inputs.retentionInDays).to.equal(stackFile["trading-platform:flowLogRetentionDays"]);
      });

      it("exports network ids ordered by the configured AZ IDs", () => {
        const network = run.outputs.network as Record<string, unknown>;
        expect(network.availabilityZoneIds).to.deep.equal(azIds);
        if (!preview) {
          expect(network.appSubnetIds).to.deep.equal(azIds.map((az) => `subnet-trading-app-${az}`));
        }
      });
    });
  }
}

describe("HaNetwork NAT modes", () => {
  it("dev runs one NAT gateway that every app route table uses", async () => {
    const run = await deployedStackRun("dev");
    const nats = run.ofType(NAT);
    expect(nats).to.have.length(1);
    const appTables = run.ofType(ROUTE_TABLE).filter((t) => tierOf(t) === "app");
    for (const table of appTables) {
      const route = routesOf(run, table).find((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0") as RecordedResource;
      expect(source(run, route, "natGatewayId").urn).to.equal(nats[0].urn);
    }
  });

  it("a prod stack switched to perAz keeps one NAT per AZ; dev switched to perAz gets three", async () => {
    const run = await runStackFile("dev", { overrides: { "trading-platform:natGatewayMode": "perAz" } });
    expect(new Set(run.ofType(NAT).map((n) => azIdOf(source(run, n, "subnetId")))).size).to.equal(3);
  });
});
