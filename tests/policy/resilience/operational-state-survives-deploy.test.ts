// operational-state-survives-deploy, with its fixtures: the write-region flag, a stream consumer, failover health checks,
// an auto scaled table and group, each with ignoreChanges exactly on what is written outside pulumi up, then each way to get it wrong.
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { OPERATIONAL_STATE } from "../../../policy/resilience/rules/operational-state-survives-deploy";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const TABLE_IGNORES = OPERATIONAL_STATE.find((e) => e.type === T.table)?.properties ?? [];

function operational(fx: Fixture, ignores: Partial<Record<"flag" | "mapping" | "check" | "table" | "asg" | "db" | "source" | "other", string[]>> = {}): void {
  fx.add("aws:ssm/parameter:Parameter", "write-region", { name: "/trading-platform/prod/write-region", type: "String", insecureValue: "{}" }, { ignoreChanges: ignores.flag ?? ["insecureValue"] });
  fx.add("aws:ssm/parameter:Parameter", "region-info", { name: "/trading-platform/prod/region-info", type: "String", insecureValue: "{}" }, { ignoreChanges: ignores.other ?? [] });
  fx.add(T.mapping, "stream-mapping", { eventSourceArn: "arn:aws:dynamodb:us-east-1:1:table/t/stream/x", functionName: "f", enabled: true }, { ignoreChanges: ignores.mapping ?? ["enabled"] });
  const check = fx.add("aws:route53/healthCheck:HealthCheck", "health", { type: "HTTPS", disabled: false, invertHealthcheck: false }, { ignoreChanges: ignores.check ?? ["disabled", "invertHealthcheck"] });
  fx.add("aws:route53/record:Record", "api", { name: "api.example", type: "A", failoverRoutingPolicies: [{ type: "PRIMARY" }], healthCheckId: fx.ref(check), setIdentifier: "us-east-1" });
  // A health check no failover record uses is nobody's operational state.
  fx.add("aws:route53/healthCheck:HealthCheck", "probe", { type: "HTTPS" });
  fx.add(T.table, "orders", { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 }, { ignoreChanges: ignores.table ?? TABLE_IGNORES });
  fx.add(T.asg, "asg", { minSize: 3, maxSize: 6 }, { ignoreChanges: ignores.asg ?? ["desiredCapacity"] });
  const global = fx.add("aws:rds/globalCluster:GlobalCluster", "refdata", { globalClusterIdentifier: "refdata", engine: "aurora-postgresql" });
  fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql", globalClusterIdentifier: fx.ref(global, "id", "refdata") }, { ignoreChanges: ignores.db ?? ["engineVersion", "replicationSourceIdentifier"] });
  // The cluster a global database was made from: the global cluster sets its globalClusterIdentifier.
  const source = fx.add(T.rdsCluster, "source", { engine: "aurora-postgresql" }, { ignoreChanges: ignores.source ?? ["engineVersion", "replicationSourceIdentifier", "globalClusterIdentifier"] });
  fx.add("aws:rds/globalCluster:GlobalCluster", "from-source", { globalClusterIdentifier: "from-source", sourceDbClusterIdentifier: fx.ref(source, "arn") });
  // A cluster outside any global database is nobody's operational state.
  fx.add(T.rdsCluster, "standalone", { engine: "aurora-postgresql" });
}

describe("operational-state-survives-deploy", () => {
  for (const preview of [false, true]) {
    it(`passes when each operational resource ignores exactly its operational properties (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      operational(fx);
      expect(messagesOf(await evaluate(resiliencePack, fx), "operational-state-survives-deploy")).to.deep.equal([]);
    });
  }

  it("reports each property pulumi up would revert, and properties ignored beyond the operational ones", async () => {
    const fx = new Fixture();
    operational(fx, { flag: [], mapping: ["enabled", "batchSize"], check: ["disabled"], asg: [], db: ["engineVersion"], source: ["engineVersion", "replicationSourceIdentifier"] });
    expect(messagesOf(await evaluate(resiliencePack, fx), "operational-state-survives-deploy")).to.deep.equal([
      "write-region (Parameter) does not ignore changes to insecureValue, which the failover command (ssm:PutParameter) writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
      "stream-mapping (EventSourceMapping) ignores changes to batchSize, which nothing outside pulumi up writes: a code change to them would never deploy (ignore exactly the operational properties)",
      "health (HealthCheck) does not ignore changes to invertHealthcheck, which the failover command (route53:UpdateHealthCheck Disabled, Inverted) writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
      "asg (Group) does not ignore changes to desiredCapacity, which the group's scaling policies and scheduled actions writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
      "db (Cluster) does not ignore changes to replicationSourceIdentifier, which RDS for a global database member (the failover command's switchover or failover moves the writer; upgrades go through the global cluster) writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
      "source (Cluster) does not ignore changes to globalClusterIdentifier, which RDS for the cluster a global database was made from (the global cluster joins it; switchover moves the writer; upgrades go through the global cluster) writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
    ]);
  });

  it("takes the operational state from config", async () => {
    const fx = new Fixture();
    operational(fx);
    const result = await evaluate(resiliencePack, fx, {
      "operational-state-survives-deploy": {
        operationalState: [{ type: "aws:ssm/parameter:Parameter", select: "name", namePattern: "*/region-info", properties: ["insecureValue"], writtenBy: "an operator" }],
      },
    });
    expect(messagesOf(result, "operational-state-survives-deploy")).to.deep.equal([
      "region-info (Parameter) does not ignore changes to insecureValue, which an operator writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
    ]);
  });
});
