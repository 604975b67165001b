// fis-duration-bounded (resilience pack): the rule's description below is what the CLI prints with each violation; the table of each FIS action's duration parameter, and the AWS documentation behind it, are in policy/lib/resilience/fisDurations.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { actionsOf, FIS_TEMPLATE } from "../../lib/fis";
import { ResourceGraph } from "../../lib/graph";
import { actionEndTimes, describeSeconds, FIS_ACTION_DURATION, isoDurationSeconds } from "../../lib/resilience/fisDurations";
import { UNKNOWN } from "../../lib/values";

export interface FisDurationConfig {
  maxActionDuration: string;
  maxExperimentDuration: string;
}

const ISO_DURATION = "^P(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?$";

export const fisDurationBounded: StackValidationPolicy = {
  name: "fis-duration-bounded",
  description:
    "Every AWS FIS experiment template's actions end by themselves: each action that holds a fault sets its duration parameter (duration, " +
    "startInstancesAfterDuration for aws:ec2:stop-instances, durationBeforeInterruption, maxDuration: the FIS actions reference's) to an " +
    "ISO 8601 duration of at most `maxActionDuration`, the actions' startAfter chain ends within `maxExperimentDuration`, and every " +
    "action is one the rule knows the duration parameter of. Thirty minutes lets the alarms (a few one-minute periods) and the fleet's " +
    "replacements (launch plus health check grace) show the platform absorbing the fault, yet bounds how long it runs degraded if a stop " +
    "condition never fires.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxActionDuration: { type: "string", pattern: ISO_DURATION, default: "PT30M", description: "Longest duration one action may hold its fault. Default PT30M." },
      maxExperimentDuration: {
        type: "string",
        pattern: ISO_DURATION,
        default: "PT1H",
        description: "Longest time from the experiment's start to the end of its last action (startAfter chains add up). Default PT1H.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<FisDurationConfig>();
    const maxAction = isoDurationSeconds(config.maxActionDuration) ?? 1800;
    const maxExperiment = isoDurationSeconds(config.maxExperimentDuration) ?? 3600;
    const graph = new ResourceGraph(args.resources);
    for (const template of graph.ofType(FIS_TEMPLATE)) {
      const problems: string[] = [];
      const timed = actionsOf(template).map((action) => {
        const where = `action ${action.name} (${action.actionId === UNKNOWN ? "actionId unknown until the update" : action.actionId})`;
        const parameter = typeof action.actionId === "string" ? FIS_ACTION_DURATION[action.actionId] : undefined;
        let seconds = 0;
        if (action.actionId === UNKNOWN) {
          problems.push(`${where}: its duration cannot be judged; set actionId to a literal FIS action`);
        } else if (parameter === undefined) {
          problems.push(`${where} is not an action of the FIS actions reference this rule knows; name one of fis-duration-bounded's actions (policy/lib/resilience/fisDurations.ts)`);
        } else if (parameter !== "instant") {
          const value = action.parameters.get(parameter);
          const parsed = typeof value === "string" ? isoDurationSeconds(value) : undefined;
          if (value === undefined) {
            problems.push(`${where} sets no ${parameter}: its fault would last until someone ends it; set ${parameter} to at most ${config.maxActionDuration}`);
          } else if (value === UNKNOWN) {
            problems.push(`${where}: ${parameter} is unknown until the update; set it to a literal ISO 8601 duration of at most ${config.maxActionDuration}`);
          } else if (parsed === undefined) {
            problems.push(`${where}: ${parameter} "${value}" is not an ISO 8601 duration (PT30M, PT1H); at most ${config.maxActionDuration} is allowed`);
          } else if (parsed > maxAction) {
            problems.push(`${where}: ${parameter} ${value} (${describeSeconds(parsed)}) exceeds maxActionDuration ${config.maxActionDuration}`);
          } else {
            seconds = parsed;
          }
        }
        return { name: action.name, startAfter: action.startAfter, seconds };
      });
      const longest = Math.max(0, ...actionEndTimes(timed).values());
      if (longest > maxExperiment) {
        const shown = Number.isFinite(longest) ? describeSeconds(longest) : "never (a startAfter cycle)";
        problems.push(`its actions end after ${shown} (startAfter chains add up); maxExperimentDuration ${config.maxExperimentDuration} is allowed`);
      }
      for (const problem of problems) {
        reportViolation(`experiment template ${template.name}: ${problem}`, template.urn);
      }
    }
  },
};
