/**
 * Two data-tier alarms whose shape is decided by where AWS publishes the metric: the Aurora Global
 * Database RPO lag (published for a secondary cluster only) and DAX CPU (per node or cluster, where
 * an Average over the cluster hides one hot node).
 */
import { expect } from "chai";
import { z } from "zod";
import { type AlarmSpec, type AlarmTargets, isMetricMath, type MetricRef, planAlarms } from "../../../components/observability/alarmPlan";
import { alarmThresholds, observabilityConfigShape } from "../../../components/observability/config";
import { catalogProblem } from "../../../components/observability/metricCatalog";

const AZS = ["euw1-az1", "euw1-az2", "euw1-az3"];

function targets(globalSecondary: boolean | undefined): AlarmTargets<string> {
  return {
    loadBalancer: { arnSuffix: "app/alb/1", targetGroupArnSuffix: "targetgroup/tg/2", zones: AZS.map((azId, i) => ({ azId, azName: `eu-west-1${"abc"[i]}` })) },
    fleet: { autoScalingGroupName: "asg", minSize: 3 },
    natGateways: AZS.map((azId) => ({ azId, id: `nat-${azId}` })),
    serviceTable: "orders",
    table: { name: "orders", indexNames: ["by-symbol"], maxima: { table: { read: 4000, write: 2000 }, index: { read: 2000, write: 2000 } }, receivingRegions: ["us-east-1"] },
    dax: { clusterName: "dax" },
    aurora: {
      clusterIdentifier: "db",
      instances: AZS.map((azId, i) => ({ azId, identifier: `db-${i}`, memoryBytes: 16 * 1024 ** 3 })),
      ...(globalSecondary === undefined ? {} : { globalSecondary }),
    },
    cache: { members: AZS.map((azId, i) => ({ azId, cacheClusterId: `cache-00${i + 1}` })) },
    streamProcessor: { functionName: "fn", queueName: "dlq" },
  };
}

function plan(globalSecondary: boolean | undefined, config: Record<string, unknown> = {}): AlarmSpec<string>[] {
  const cfg = z.object(observabilityConfigShape).parse(config);
  return planAlarms(targets(globalSecondary), alarmThresholds({ ...cfg, clusterMinSize: 3, azIds: AZS }));
}

function single(alarms: AlarmSpec<string>[], id: string): MetricRef<string> & { alarm: AlarmSpec<string> } {
  const alarm = alarms.find((a) => a.id === id);
  if (!alarm || isMetricMath(alarm.metric)) throw new Error(`${id} is a single-metric alarm of the plan`);
  return { ...alarm.metric, alarm };
}

describe("observability: Aurora global RPO lag and DAX CPU", () => {
  describe("aurora-global-rpo-lag", () => {
    it("watches a global database's secondary cluster for AuroraGlobalDBRPOLag, the worst minute, in milliseconds", () => {
      const m = single(plan(true), "aurora-global-rpo-lag");
      expect(m.namespace).to.equal("AWS/RDS");
      expect(m.metricName).to.equal("AuroraGlobalDBRPOLag");
      expect(m.dimensions).to.deep.equal({ DBClusterIdentifier: "db" });
      expect(m.stat).to.equal("Maximum");
      expect(catalogProblem(m.namespace, m.metricName, Object.keys(m.dimensions), m.stat)).to.equal(undefined);
      expect(m.alarm.comparison).to.equal("GreaterThanThreshold");
      expect(m.alarm.configKey).to.equal("alarmAuroraGlobalRpoLagMs");
      expect(m.alarm.threshold).to.equal(z.object(observabilityConfigShape).parse({}).alarmAuroraGlobalRpoLagMs);
      // A DR signal, not degraded trading: it pages but is not part of the composite (a game day's stop condition).
      expect(m.alarm.critical).to.equal(false);
      // No data is not a healthy secondary: it stays visible as INSUFFICIENT_DATA.
      expect(m.alarm.treatMissingData).to.equal("missing");
    });

    it("takes its threshold from alarmAuroraGlobalRpoLagMs", () => {
      expect(single(plan(true, { alarmAuroraGlobalRpoLagMs: 5000 }), "aurora-global-rpo-lag").alarm.threshold).to.equal(5000);
      expect(() => z.object(observabilityConfigShape).parse({ alarmAuroraGlobalRpoLagMs: 0 })).to.throw();
    });

    it("is left out where the cluster is regional or the global database's primary (AWS publishes the metric in secondary Regions only)", () => {
      for (const globalSecondary of [undefined, false]) {
        expect(plan(globalSecondary).map((a) => a.id), String(globalSecondary)).to.not.include("aurora-global-rpo-lag");
      }
      expect(plan(true).length).to.equal(plan(false).length + 1);
    });
  });

  describe("dax-cpu", () => {
    it("reads the hottest node (Maximum over the cluster's nodes), not an average that one hot node is diluted in", () => {
      const m = single(plan(undefined), "dax-cpu");
      expect(m.namespace).to.equal("AWS/DAX");
      expect(m.metricName).to.equal("CPUUtilization");
      expect(m.dimensions).to.deep.equal({ ClusterId: "dax" });
      expect(m.stat).to.equal("Maximum");
      expect(catalogProblem(m.namespace, m.metricName, Object.keys(m.dimensions), m.stat)).to.equal(undefined);
    });
  });
});
