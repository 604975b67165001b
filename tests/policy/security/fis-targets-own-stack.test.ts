// fis-targets-own-stack: its tests, with the game-day fixture of ../support/fisBuilders.ts.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { gameDayStack, STACK_REFERENCE } from "../support/fisBuilders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const RULE = "fis-targets-own-stack";
const ALLOWED =
  "allowed: ARNs of this stack's resources, or resourceTags including Stack=fixture, a tag whose value names one of the stack's resources " +
  "or a tag of one of them whose value holds the stack's name";

describe("fis-targets-own-stack", () => {
  it("passes targets by the group's name tag and by the stack's subnet ARNs, as deployed and in a first preview", async () => {
    for (const preview of [false, true]) {
      const fx = new Fixture({ preview });
      gameDayStack(fx);
      expect(messagesOf(await evaluate(securityPack, fx), RULE), `preview ${preview}`).to.deep.equal([]);
    }
  });

  it("passes a target tagged with the stack tag carrying the stack's name", async () => {
    const fx = new Fixture();
    gameDayStack(fx, { targets: () => [{ name: "fleet", resourceType: "aws:ec2:instance", selectionMode: "ALL", resourceTags: [{ key: "Stack", value: "fixture" }] }] });
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([]);
  });

  it("passes a cache selected by its own Name tag (holding the stack's name) and ECS tasks by the stack's cluster and service", async () => {
    const fx = new Fixture();
    fx.add("aws:elasticache/replicationGroup:ReplicationGroup", "cache", { replicationGroupId: "cache-1a2b", tags: { Name: "trading-fixture-cache" } });
    fx.add("aws:ecs/cluster:Cluster", "cluster", { name: "trading-fixture" });
    fx.add("aws:ecs/service:Service", "service", { name: "trading-fixture-api" });
    gameDayStack(fx, {
      targets: () => [
        { name: "cache", resourceType: "aws:elasticache:replicationgroup", selectionMode: "ALL", resourceTags: [{ key: "Name", value: "trading-fixture-cache" }], parameters: { availabilityZoneIdentifier: "use1-az1" } },
        { name: "tasks", resourceType: "aws:ecs:task", selectionMode: "ALL", parameters: { cluster: "trading-fixture", service: "trading-fixture-api" } },
      ],
    });
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([]);
  });

  it("refuses ECS tasks selected by a cluster of another stack, and a Name tag no resource of the stack carries", async () => {
    const fx = new Fixture();
    fx.add("aws:ecs/service:Service", "service", { name: "trading-fixture-api" });
    gameDayStack(fx, {
      targets: () => [
        { name: "tasks", resourceType: "aws:ecs:task", selectionMode: "ALL", parameters: { cluster: "someone-elses", service: "trading-fixture-api" } },
        { name: "cache", resourceType: "aws:elasticache:replicationgroup", selectionMode: "ALL", resourceTags: [{ key: "Name", value: "trading-fixture-other-cache" }] },
      ],
    });
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([
      `experiment template az-loss: target tasks: parameter cluster=someone-elses names no resource of this stack; ${ALLOWED}`,
      `experiment template az-loss: target cache: resourceTags Name=trading-fixture-other-cache include no tag only this stack's resources carry; ${ALLOWED}`,
    ]);
  });

  it("refuses a foreign ARN, tags any stack's resources carry, and a target with neither ARNs nor tags", async () => {
    const fx = new Fixture();
    const foreign = "arn:aws:rds:us-east-1:123456789012:cluster:another-teams";
    gameDayStack(fx, {
      targets: () => [
        { name: "db", resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: [foreign] },
        { name: "env", resourceType: "aws:ec2:instance", selectionMode: "ALL", resourceTags: [{ key: "Environment", value: "prod" }] },
        { name: "other-stack", resourceType: "aws:ec2:instance", selectionMode: "ALL", resourceTags: [{ key: "Stack", value: "prod-eu-west-1" }] },
        { name: "anything", resourceType: "aws:ec2:instance", selectionMode: "COUNT(1)", filters: [{ path: "State.Name", values: ["running"] }] },
      ],
    });
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([
      `experiment template az-loss: target db: resourceArns names ${foreign}, which is no resource of this stack; ${ALLOWED}`,
      `experiment template az-loss: target env: resourceTags Environment=prod include no tag only this stack's resources carry; ${ALLOWED}`,
      `experiment template az-loss: target other-stack: resourceTags Stack=prod-eu-west-1 include no tag only this stack's resources carry; ${ALLOWED}`,
      `experiment template az-loss: target anything: selects by neither resourceArns nor resourceTags, so it is not limited to this stack; ${ALLOWED}`,
    ]);
  });

  it("refuses targets computed from another stack's outputs (a StackReference), even when unknown in a preview", async () => {
    const fx = new Fixture({ preview: true });
    const reference = fx.add(STACK_REFERENCE, "primary", { name: "acme/trading-platform/prod-us-east-1" });
    gameDayStack(fx, {
      targets: () => [{ name: "their-subnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: [fx.ref(reference, "outputs")] }],
    });
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([
      `experiment template az-loss: target their-subnets: its selection is computed from a StackReference (another stack's outputs); ${ALLOWED}`,
      `experiment template az-loss: target their-subnets: resourceArns is unknown and computed from no resource of this stack; ${ALLOWED}`,
    ]);
  });
});
