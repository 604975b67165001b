// fis-stop-on-alarm (resilience pack): the rule's description below is what the CLI prints with each violation; the template reader it shares with the other FIS rules is policy/lib/fis.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { ALARM_SOURCE, FIS_TEMPLATE, stopConditionsOf } from "../../lib/fis";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { peekString, UNKNOWN } from "../../lib/values";

export interface FisStopOnAlarmConfig {
  requireCompositeAlarm: boolean;
}

const ALARM_TYPES = [TYPES.metricAlarm, TYPES.compositeAlarm];

/**
 * The alarms of the stack a template's stop conditions name: by a known ARN equal to an alarm's, or
 * through the stopConditions property's dependencies when the ARNs are unknown (a first preview).
 * An alarm stop condition whose ARN matches no alarm of the stack is returned apart: FIS would stop
 * the experiment on another stack's alarm (or on none that exists), not on this platform's health.
 */
function stopAlarms(graph: ResourceGraph, template: GraphResource): { alarms: GraphResource[]; foreign: string[]; unknownCount: number } {
  const deps = (template.propertyDependencies.stopConditions ?? []).filter((d) => ALARM_TYPES.includes(d.type as (typeof ALARM_TYPES)[number]));
  const alarms = new Map<string, GraphResource>();
  const foreign: string[] = [];
  let unknownCount = 0;
  for (const condition of stopConditionsOf(template)) {
    if (condition.source !== ALARM_SOURCE) {
      continue;
    }
    if (typeof condition.value === "string") {
      const alarm = graph.resources.find((r) => ALARM_TYPES.includes(r.type as (typeof ALARM_TYPES)[number]) && peekString(r.props, "arn") === condition.value);
      if (alarm) {
        alarms.set(alarm.urn, alarm);
      } else {
        foreign.push(condition.value);
      }
    } else if (condition.value === UNKNOWN) {
      unknownCount += 1;
    } else {
      foreign.push("(no alarm ARN)");
    }
  }
  if (unknownCount > 0) {
    for (const dep of deps) {
      alarms.set(dep.urn, dep);
    }
  }
  return { alarms: [...alarms.values()], foreign, unknownCount };
}

export const fisStopOnAlarm: StackValidationPolicy = {
  name: "fis-stop-on-alarm",
  description:
    'Every AWS FIS experiment template stops on this stack\'s own health: it has at least one stop condition with source "aws:cloudwatch:alarm" ' +
    'naming a CloudWatch alarm of the stack (a composite alarm, such as "trading degraded", when `requireCompositeAlarm`), no stop ' +
    'condition "none", and no alarm of another stack. FIS stops the experiment when a stop-condition alarm enters ALARM.',
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireCompositeAlarm: {
        type: "boolean",
        default: true,
        description: "Require a composite alarm among the stop conditions (the stack's \"trading degraded\", which any critical alarm sets off). Default true.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { requireCompositeAlarm } = args.getConfig<FisStopOnAlarmConfig>();
    const graph = new ResourceGraph(args.resources);
    for (const template of graph.ofType(FIS_TEMPLATE)) {
      const report = (message: string) => reportViolation(`experiment template ${template.name}: ${message}`, template.urn);
      const conditions = stopConditionsOf(template);
      if (conditions.some((c) => c.source === "none")) {
        report(`stopConditions has source "none", which never stops the experiment; only "${ALARM_SOURCE}" on an alarm of this stack is allowed`);
      }
      const { alarms, foreign } = stopAlarms(graph, template);
      for (const arn of foreign) {
        report(`stopConditions names ${arn}, which is no CloudWatch alarm of this stack; name one of the stack's alarms' ARNs`);
      }
      if (alarms.length === 0) {
        report(`stopConditions has no "${ALARM_SOURCE}" condition on an alarm of this stack; add one (the stack's composite "trading degraded" alarm)`);
      } else if (requireCompositeAlarm && !alarms.some((a) => a.type === TYPES.compositeAlarm)) {
        report(
          `stopConditions names only metric alarms (${alarms.map((a) => a.name).join(", ")}); add the stack's composite alarm, which any critical alarm sets off (requireCompositeAlarm)`,
        );
      }
    }
  },
};
