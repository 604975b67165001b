// ha-resources-alarmed (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/alarms.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import {
  AlarmCoverageConfig,
  configSchema,
  CRITICAL_TYPES,
  dimensionValues,
  ECS_ALARM_HINT,
  identifiersOf,
  reachesSns,
  streamResources,
  watchesEcsService,
} from "../../lib/resilience/alarms";
import { ECS_SERVICE_TYPE } from "../../lib/resilience/ecsService";

export const haResourcesAlarmed: StackValidationPolicy = {
  name: "ha-resources-alarmed",
  description:
    "Every HA-critical resource (load balancer, target group, auto scaling group, DynamoDB table or replica, DAX cluster, Aurora cluster, " +
    "cache replication group, ECS service, stream processor and its on-failure queue) is watched by at least one CloudWatch metric alarm whose actions " +
    "reach an SNS topic. Watched means the resource fed the alarm's dimensions (property dependencies) or a dimension names one of its identifiers; " +
    "an ECS service only by its running or desired task count, CPU or memory on its ClusterName and ServiceName dimensions.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const { resourceTypes } = args.getConfig<AlarmCoverageConfig>();
    const graph = new ResourceGraph(args.resources);
    const alarms = graph.ofType(TYPES.metricAlarm).map((alarm) => ({
      alarm,
      watched: new Set([...(alarm.propertyDependencies.dimensions ?? []), ...(alarm.propertyDependencies.metricQueries ?? [])].map((d) => d.urn)),
      values: new Set(dimensionValues(alarm)),
      notifies: reachesSns(alarm),
    }));
    // An alarm on an Aurora instance also watches its cluster.
    const clusterOfInstance = new Map<string, string>();
    for (const instance of graph.ofType(TYPES.rdsClusterInstance)) {
      for (const cluster of graph.refs(instance, "clusterIdentifier", [TYPES.rdsCluster], ["id", "clusterIdentifier"]).resources) {
        clusterOfInstance.set(instance.urn, cluster.urn);
      }
    }
    const watches = (entry: (typeof alarms)[number], resource: GraphResource): boolean => {
      if (resource.type === ECS_SERVICE_TYPE) {
        return watchesEcsService(graph, entry.alarm, resource);
      }
      if (entry.watched.has(resource.urn) || identifiersOf(resource).some((id) => entry.values.has(id))) {
        return true;
      }
      return resource.type === TYPES.rdsCluster && graph.ofType(TYPES.rdsClusterInstance).some((i) => clusterOfInstance.get(i.urn) === resource.urn && watches(entry, i));
    };

    const critical = [
      ...args.resources.filter((r) => resourceTypes.includes(r.type)).map((r) => ({ resource: r as GraphResource, label: CRITICAL_TYPES[r.type] ?? r.type })),
      ...streamResources(graph),
    ];
    for (const { resource, label } of critical) {
      const watching = alarms.filter((entry) => watches(entry, resource));
      if (watching.some((entry) => entry.notifies)) {
        continue;
      }
      const why =
        watching.length === 0
          ? `no CloudWatch metric alarm watches it${resource.type === ECS_SERVICE_TYPE ? ` ${ECS_ALARM_HINT}` : ""}`
          : `its alarm(s) ${watching.map((e) => e.alarm.name).join(", ")} notify no SNS topic (alarmActions)`;
      reportViolation(`${label} ${resource.name} has no alarm whose actions reach an SNS topic: ${why}`, resource.urn);
    }
  },
};
