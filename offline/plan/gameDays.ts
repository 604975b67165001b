/**
 * The plan's "Game days" section: each AWS FIS experiment template the stack registered, read back
 * from the recorded resources as the FIS rules read it (policy/lib/fis.ts): its scenario, its targets
 * and what keeps them inside the stack, its actions and how long each holds its fault, its stop
 * conditions by alarm name, its expected outcome (./gameDayOutcome.ts, the AZ-loss model) and what
 * one run costs. FIS charges per action-minute, "from the time an action starts until it stops,
 * rounded to the nearest minute", the same whatever the action (https://aws.amazon.com/fis/pricing/):
 * an instant action (a failover, a stop) is counted as one minute, the most it can round to.
 */
import { SCENARIO_TAG } from "../../components/gamedays/plan";
import { resiliencePack } from "../../policy/resilience/policies";
import { actionsOf, ALARM_SOURCE, FIS_TEMPLATE, stopConditionsOf, targetsOf } from "../../policy/lib/fis";
import type { GraphResource } from "../../policy/lib/graph";
import { ResourceGraph, TYPES } from "../../policy/lib/graph";
import { loadPriceSnapshot } from "../../policy/lib/prices";
import { actionEndTimes, describeSeconds, FIS_ACTION_DURATION, isoDurationSeconds } from "../../policy/lib/resilience/fisDurations";
import { targetDependencies, targetScope } from "../../policy/lib/security/fisTargets";
import { peekString, UNKNOWN } from "../../policy/lib/values";
import { loadPackConfig, type PolicyEnvironment } from "../policy/evaluateStack";
import { resolvePackConfig } from "../policy/packConfig";
import { formatUsd, type Style, wrap } from "./format";
import { alarmNameOfArn, compositesOf, metricAlarmsOf } from "./gameDayAlarms";
import { expectedOutcome, type GameDayOutcome } from "./gameDayOutcome";

export interface GameDayTarget {
  name: string;
  resourceType: string;
  selectionMode: string;
  /** What keeps the selection inside the stack (fis-targets-own-stack's reading), narrowed by filters. */
  selectedBy: string[];
  filters: string[];
}

export interface GameDayAction {
  name: string;
  actionId: string;
  target?: string;
  /** The parameter bounding it and its value, or "instant". */
  duration: string;
  seconds: number;
  startAfter: string[];
}

export interface GameDay {
  template: string;
  scenario: string;
  description: string;
  targets: GameDayTarget[];
  actions: GameDayAction[];
  stopConditions: { alarm: string; composite: boolean }[];
  /** Seconds from the start until the last action ends. */
  lengthSeconds: number;
  /** Action-minutes one full run is billed (instant actions as one). */
  actionMinutes: number;
  /** USD of one full run, when the snapshot prices FIS. */
  costUsd?: number;
  outcome: GameDayOutcome;
}

export interface GameDaysReport {
  templates: GameDay[];
  /** USD per action-minute and where it comes from. */
  price?: { actionMinute: number; source: string };
}

const text = (value: unknown): string => (typeof value === "string" ? value : value === UNKNOWN ? "(unknown until the update)" : "(not set)");

function maxCapacityLossShare(environment: PolicyEnvironment): number {
  const resolved = resolvePackConfig(resiliencePack, loadPackConfig(environment, "resilience")).get("az-loss-survivability");
  const value = resolved?.properties.maxCapacityLossShare;
  return typeof value === "number" ? value : 0.34;
}

function actionsOfTemplate(template: GraphResource): GameDayAction[] {
  const actions = actionsOf(template).map((action) => {
    const id = text(action.actionId);
    const parameter = FIS_ACTION_DURATION[id];
    const value = parameter && parameter !== "instant" ? action.parameters.get(parameter) : undefined;
    const seconds = typeof value === "string" ? (isoDurationSeconds(value) ?? 0) : 0;
    return {
      name: action.name,
      actionId: id,
      ...(action.target ? { target: action.target.name } : {}),
      duration: parameter === "instant" ? "instant" : `${parameter ?? "duration"} ${text(value)}${seconds > 0 ? ` (${describeSeconds(seconds)})` : ""}`,
      seconds,
      startAfter: action.startAfter,
    };
  });
  return actions;
}

function gameDayOf(graph: ResourceGraph, resources: readonly GraphResource[], template: GraphResource, lossShare: number, price?: number): GameDay {
  const fisTargets = targetsOf(template);
  const deps = targetDependencies(template);
  const targets = fisTargets.map((t) => ({
    name: t.name,
    resourceType: text(t.resourceType),
    selectionMode: text(t.selectionMode),
    selectedBy: targetScope(graph, template, t, "Stack", deps).selectedBy,
    filters: [
      ...t.filters.map((f) => `${f.path} = ${f.values.join(" | ") || "(unknown until the update)"}`),
      ...Object.keys(t.parameters).map((k) => `${k} = ${text(peekString(t.parameters, k))}`),
    ],
  }));
  const actions = actionsOfTemplate(template);
  const lengthSeconds = Math.max(0, ...actionEndTimes(actions).values());
  const actionMinutes = actions.reduce((sum, a) => sum + Math.max(1, Math.round(a.seconds / 60)), 0);
  const alarmConditions = stopConditionsOf(template).filter((c) => c.source === ALARM_SOURCE);
  const known = alarmConditions.flatMap((c) => (typeof c.value === "string" ? [alarmNameOfArn(graph, c.value)] : []));
  // ARNs unknown in a preview: the alarms the stop conditions were computed from.
  const fromDeps = alarmConditions.some((c) => c.value === UNKNOWN)
    ? (template.propertyDependencies.stopConditions ?? []).flatMap((d) => {
        const arn = peekString(d.props, "arn");
        const name = peekString(d.props, d.type === TYPES.compositeAlarm ? "alarmName" : "name");
        return d.type === TYPES.compositeAlarm || d.type === TYPES.metricAlarm
          ? [typeof arn === "string" ? alarmNameOfArn(graph, arn) : { name: typeof name === "string" ? name : d.name, composite: d.type === TYPES.compositeAlarm }]
          : [];
      })
    : [];
  const stopConditions = [...known, ...fromDeps].map((a) => ({ alarm: a.name, composite: a.composite }));
  const composites = compositesOf(graph);
  const outcome = expectedOutcome({
    graph,
    resources,
    targets: fisTargets,
    targetDeps: template.propertyDependencies.targets ?? [],
    actionIds: actions.map((a) => a.actionId),
    lengthSeconds,
    alarms: metricAlarmsOf(graph, composites),
    stopAlarms: stopConditions.map((s) => s.alarm),
    azLoss: { maxCapacityLossShare: lossShare },
  });
  const scenario = peekString(template.props, "tags", SCENARIO_TAG);
  return {
    template: template.name,
    scenario: typeof scenario === "string" ? scenario : template.name,
    description: text(peekString(template.props, "description")),
    targets,
    actions,
    stopConditions,
    lengthSeconds,
    actionMinutes,
    ...(price !== undefined ? { costUsd: Math.round(actionMinutes * price * 100) / 100 } : {}),
    outcome,
  };
}

/** The game days of a stack (its FIS templates), from the resources the policy packs see. */
export function gameDaysOf(resources: readonly GraphResource[], environment: PolicyEnvironment): GameDaysReport {
  const graph = new ResourceGraph(resources);
  const snapshot = loadPriceSnapshot();
  const actionMinute = snapshot.faultInjection?.actionMinute;
  const templates = graph.ofType(FIS_TEMPLATE);
  // The environment's az-loss-survivability share, read only when there is a template to judge.
  const lossShare = templates.length > 0 ? maxCapacityLossShare(environment) : 0;
  return {
    templates: templates.map((t) => gameDayOf(graph, resources, t, lossShare, actionMinute)),
    ...(actionMinute !== undefined ? { price: { actionMinute, source: (snapshot.sources.faultInjection?.[0] ?? "(no source recorded)").split(" ")[0] } } : {}),
  };
}

export function renderGameDays(report: GameDaysReport, style: Style): string {
  if (report.templates.length === 0) {
    return "  No FIS experiment templates: set trading-platform:gameDays true in the stack file to create them (npm run failover drills the region loss).";
  }
  const w = style.width;
  const line = (indent: number, body: string) => `${" ".repeat(indent)}${wrap(body, w - indent - 2, " ".repeat(indent + 2))}`;
  const out: string[] = [];
  if (report.price) {
    out.push(line(2, `FIS: ${formatUsd(report.price.actionMinute)} per action-minute (${report.price.source}); a template costs nothing until an experiment starts.`));
  }
  for (const day of report.templates) {
    const o = day.outcome;
    out.push("", `  ${style.bold(day.scenario)} (${day.template}): ${day.description}`);
    for (const t of day.targets) {
      out.push(line(4, `target ${t.name}: ${t.resourceType}, ${t.selectionMode}, by ${t.selectedBy.join(", ") || "(nothing of the stack)"}${t.filters.length > 0 ? `; ${t.filters.join("; ")}` : ""}`));
    }
    for (const a of day.actions) {
      out.push(line(4, `action ${a.name}: ${a.actionId}, ${a.duration}${a.target ? ` on ${a.target}` : ""}${a.startAfter.length > 0 ? `, after ${a.startAfter.join(", ")}` : ""}`));
    }
    out.push(line(4, `stops on: ${day.stopConditions.map((s) => `${s.alarm}${s.composite ? " (composite)" : ""}`).join(", ") || "nothing"}`));
    out.push(line(4, `length ${day.lengthSeconds > 0 ? describeSeconds(day.lengthSeconds) : "one API call (no duration)"}; ${day.actionMinutes} action-minute(s)${day.costUsd !== undefined ? `, ${formatUsd(day.costUsd)} per run` : ""}`));
    out.push(`    ${style.bold("Expected outcome")}${o.lostAz ? ` (${o.lostAz} lost)` : ""}`);
    for (const e of o.effects) out.push(line(6, `- ${e}`));
    if (o.lostAz) {
      out.push(line(6, `- AZ-loss model: ${o.modelFindings.length === 0 ? `no tier loses service or more than its allowed share when ${o.lostAz} is lost` : o.modelFindings.join("; ")}`));
    }
    out.push(
      line(
        6,
        `- alarms: ${o.alarms.map((a) => `${a.name} after ~${describeSeconds(a.afterSeconds)} (${a.why}${a.composites.length > 0 ? `; sets off ${a.composites.join(", ")}` : ""})`).join("; ") || "none of the stack's alarms is expected to fire"}`,
      ),
    );
    if (o.stop) {
      out.push(line(6, `- the stop condition ${o.stop.alarm} should end the experiment after ~${describeSeconds(o.stop.afterSeconds)}, before its ${describeSeconds(day.lengthSeconds)}`));
    }
    for (const s of o.service) out.push(line(6, `- ${s}`));
    out.push(line(6, `- recovery: ${o.recovery}`));
    if (o.passed.length > 0) out.push(line(6, `- passed when: ${o.passed.join("; ")}`));
  }
  return out.join("\n");
}
