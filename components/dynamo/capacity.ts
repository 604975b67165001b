/**
 * Provisioned-capacity maths for the trading table: validation of the configured bounds, the plan
 * the auto scaling resources are built from, and the compact scheduled-action syntax. Pure: no
 * Pulumi, unit tested on its own.
 *
 * Rules it enforces (DynamoDB facts):
 * - A GSI whose write capacity is below the table's throttles writes to the TABLE (every write that
 *   touches the index must also be written to it), so each index's write minimum and maximum must
 *   be at least the table's, and its initial write capacity is raised to the table's.
 * - Target tracking for DynamoDB accepts a target utilisation between 20 and 90 percent.
 * - A table (and each index) starts with the default quota of 40,000 RCU and 40,000 WCU.
 */

export type Dimension = "read" | "write";
export const DIMENSIONS: readonly Dimension[] = ["read", "write"];

/** Target tracking on DynamoDB accepts 20-90 % utilisation. */
export const TARGET_UTILIZATION_RANGE = { min: 20, max: 90 } as const;
export const DEFAULT_TARGET_UTILIZATION = 70;
/** Default per-table (and per-index) provisioned throughput quota, in capacity units. */
export const MAX_CAPACITY_UNITS = 40_000;

export interface ScalingBounds {
  readonly min: number;
  readonly max: number;
}

/** What one scalable target (table or index, read or write) is created with. */
export interface DimensionScaling extends ScalingBounds {
  /** Provisioned capacity the table or index is created with; auto scaling owns it afterwards. */
  readonly initial: number;
  /** Target utilisation, percent. */
  readonly targetUtilization: number;
}

export interface ScalingPair {
  readonly read: DimensionScaling;
  readonly write: DimensionScaling;
}

/** Scaling of the table, and of every GSI (all GSIs of the table get the same settings). */
export interface CapacityPlan {
  readonly table: ScalingPair;
  readonly index: ScalingPair;
}

/** The configured numbers (stack config keys dynamo*), before validation. */
export interface CapacitySettings {
  readCapacity: number;
  writeCapacity: number;
  readMinCapacity: number;
  readMaxCapacity: number;
  writeMinCapacity: number;
  writeMaxCapacity: number;
  indexReadMinCapacity: number;
  indexReadMaxCapacity: number;
  indexWriteMinCapacity: number;
  indexWriteMaxCapacity: number;
  targetUtilization: number;
}

/** A problem with one setting: the key (a CapacitySettings field) and what is wrong. */
export interface CapacityProblem {
  key: keyof CapacitySettings;
  message: string;
}

function isUnits(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_CAPACITY_UNITS;
}

/**
 * Every problem with `settings`; empty when they are consistent. `keyName` renders a setting's name
 * inside messages (the stack config uses its own key names).
 */
export function capacityProblems(
  settings: CapacitySettings,
  keyName: (key: keyof CapacitySettings) => string = (key) => key,
): CapacityProblem[] {
  const problems: CapacityProblem[] = [];
  const unitKeys: (keyof CapacitySettings)[] = [
    "readCapacity",
    "writeCapacity",
    "readMinCapacity",
    "readMaxCapacity",
    "writeMinCapacity",
    "writeMaxCapacity",
    "indexReadMinCapacity",
    "indexReadMaxCapacity",
    "indexWriteMinCapacity",
    "indexWriteMaxCapacity",
  ];
  for (const key of unitKeys) {
    if (!isUnits(settings[key])) {
      problems.push({ key, message: `must be a whole number of capacity units from 1 to ${MAX_CAPACITY_UNITS}; got ${settings[key]}` });
    }
  }
  const { min, max } = TARGET_UTILIZATION_RANGE;
  if (!Number.isInteger(settings.targetUtilization) || settings.targetUtilization < min || settings.targetUtilization > max) {
    problems.push({
      key: "targetUtilization",
      message: `must be a whole percentage from ${min} to ${max} (DynamoDB target tracking); got ${settings.targetUtilization}`,
    });
  }
  if (problems.length > 0) {
    return problems; // the relations below are meaningless over malformed numbers
  }

  const pairs: [keyof CapacitySettings, keyof CapacitySettings, string][] = [
    ["readMinCapacity", "readMaxCapacity", "table read"],
    ["writeMinCapacity", "writeMaxCapacity", "table write"],
    ["indexReadMinCapacity", "indexReadMaxCapacity", "index read"],
    ["indexWriteMinCapacity", "indexWriteMaxCapacity", "index write"],
  ];
  for (const [minKey, maxKey, what] of pairs) {
    if (settings[minKey] > settings[maxKey]) {
      problems.push({
        key: minKey,
        message: `${settings[minKey]} is greater than ${keyName(maxKey)} ${settings[maxKey]}; the ${what} minimum must not exceed its maximum`,
      });
    }
  }
  const initial: [keyof CapacitySettings, keyof CapacitySettings, keyof CapacitySettings][] = [
    ["readCapacity", "readMinCapacity", "readMaxCapacity"],
    ["writeCapacity", "writeMinCapacity", "writeMaxCapacity"],
  ];
  for (const [key, minKey, maxKey] of initial) {
    if (settings[key] < settings[minKey] || settings[key] > settings[maxKey]) {
      problems.push({
        key,
        message: `${settings[key]} is outside ${keyName(minKey)}..${keyName(maxKey)} (${settings[minKey]}..${settings[maxKey]}); the initial capacity must lie within the auto scaling range`,
      });
    }
  }
  // A GSI with less write capacity than its table throttles the table's writes.
  if (settings.indexWriteMinCapacity < settings.writeMinCapacity) {
    problems.push({
      key: "indexWriteMinCapacity",
      message: `${settings.indexWriteMinCapacity} is below ${keyName("writeMinCapacity")} ${settings.writeMinCapacity}; a GSI with less write capacity than its table throttles the table's writes`,
    });
  }
  if (settings.indexWriteMaxCapacity < settings.writeMaxCapacity) {
    problems.push({
      key: "indexWriteMaxCapacity",
      message: `${settings.indexWriteMaxCapacity} is below ${keyName("writeMaxCapacity")} ${settings.writeMaxCapacity}; a GSI with less write capacity than its table throttles the table's writes`,
    });
  }
  return problems;
}

/**
 * The auto scaling plan for the table and its GSIs. Each index starts with at least the table's
 * write capacity (and at least its own minimum), so the index can absorb every table write from
 * the first second. Throws (listing every problem) when the settings are inconsistent.
 */
export function planCapacity(settings: CapacitySettings): CapacityPlan {
  const problems = capacityProblems(settings);
  if (problems.length > 0) {
    throw new RangeError(`invalid capacity settings: ${problems.map((p) => `${p.key}: ${p.message}`).join("; ")}`);
  }
  const target = settings.targetUtilization;
  return {
    table: {
      read: { initial: settings.readCapacity, min: settings.readMinCapacity, max: settings.readMaxCapacity, targetUtilization: target },
      write: { initial: settings.writeCapacity, min: settings.writeMinCapacity, max: settings.writeMaxCapacity, targetUtilization: target },
    },
    index: {
      read: {
        initial: clamp(settings.readCapacity, settings.indexReadMinCapacity, settings.indexReadMaxCapacity),
        min: settings.indexReadMinCapacity,
        max: settings.indexReadMaxCapacity,
        targetUtilization: target,
      },
      write: {
        initial: clamp(Math.max(settings.writeCapacity, settings.indexWriteMinCapacity), settings.indexWriteMinCapacity, settings.indexWriteMaxCapacity),
        min: settings.indexWriteMinCapacity,
        max: settings.indexWriteMaxCapacity,
        targetUtilization: target,
      },
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** True when the GSIs of `plan` can take at least the table's write capacity at every point of the range. */
export function indexesCoverTableWrites(plan: CapacityPlan): boolean {
  const { table, index } = plan;
  return index.write.min >= table.write.min && index.write.max >= table.write.max && index.write.initial >= table.write.initial;
}

// ---------------------------------------------------------------------------------------------
// Scheduled actions
// ---------------------------------------------------------------------------------------------

/**
 * A scheduled change of the auto scaling range, applied to the table AND every GSI for each
 * dimension it names (so an index's write range never falls below the table's).
 */
export interface ScheduledCapacity {
  /** Name of the action, unique in the list: lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Application Auto Scaling schedule: cron(m h dom mon dow yyyy), rate(n unit) or at(yyyy-mm-ddThh:mm:ss). */
  readonly schedule: string;
  readonly read?: ScalingBounds;
  readonly write?: ScalingBounds;
}

/** The compact form one array entry of `dynamoScheduledActions` takes. */
export const SCHEDULED_ACTION_SYNTAX = "<name> <cron(...)|rate(...)|at(...)> [read=<min>-<max>] [write=<min>-<max>]";

const ACTION_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const ENTRY = /^\s*(\S+)\s+((?:cron|rate|at)\([^)]*\))\s*(.*)$/;
const BOUNDS = /^(read|write)=(\d+)-(\d+)$/;
const AT = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;
const RATE = /^rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)$/;

/** Parses one entry, e.g. `market-open cron(0 13 ? * MON-FRI *) read=50-2000 write=25-1000`. Throws on a bad entry. */
export function parseScheduledAction(text: string): ScheduledCapacity {
  const match = ENTRY.exec(text);
  if (!match) {
    throw new Error(`"${text}" does not match ${SCHEDULED_ACTION_SYNTAX}`);
  }
  const [, name, schedule, rest] = match;
  if (!ACTION_NAME.test(name)) {
    throw new Error(`"${text}": name "${name}" must be lowercase letters, digits and hyphens, starting with a letter (at most 63)`);
  }
  checkSchedule(text, schedule);
  const ranges: Partial<Record<Dimension, ScalingBounds>> = {};
  const tokens = rest.split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) {
    throw new Error(`"${text}": names no range; add read=<min>-<max> and/or write=<min>-<max>`);
  }
  for (const token of tokens) {
    const bounds = BOUNDS.exec(token);
    if (!bounds) {
      throw new Error(`"${text}": "${token}" is not read=<min>-<max> or write=<min>-<max>`);
    }
    const dimension = bounds[1] as Dimension;
    const min = Number(bounds[2]);
    const max = Number(bounds[3]);
    if (ranges[dimension]) {
      throw new Error(`"${text}": ${dimension} is given twice`);
    }
    if (!isUnits(min) || !isUnits(max)) {
      throw new Error(`"${text}": ${dimension} bounds must be capacity units from 1 to ${MAX_CAPACITY_UNITS}`);
    }
    if (min > max) {
      throw new Error(`"${text}": ${dimension} minimum ${min} is greater than its maximum ${max}`);
    }
    ranges[dimension] = { min, max };
  }
  return { name, schedule, ...ranges };
}

function checkSchedule(text: string, schedule: string): void {
  if (schedule.startsWith("cron(")) {
    const fields = schedule.slice(5, -1).trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new Error(
        `"${text}": ${schedule} needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
      );
    }
    if (fields[2] !== "?" && fields[4] !== "?") {
      throw new Error(`"${text}": ${schedule} must have "?" in day-of-month or day-of-week (AWS cron rule)`);
    }
    return;
  }
  if (schedule.startsWith("rate(") && !RATE.test(schedule)) {
    throw new Error(`"${text}": ${schedule} must be rate(<n> minute(s)|hour(s)|day(s))`);
  }
  if (schedule.startsWith("at(") && !AT.test(schedule)) {
    throw new Error(`"${text}": ${schedule} must be at(yyyy-mm-ddThh:mm:ss)`);
  }
}

/** Parses every entry; names must be unique. Returns the actions or the problems (by index). */
export function parseScheduledActions(entries: readonly string[]): {
  actions: ScheduledCapacity[];
  problems: { index: number; message: string }[];
} {
  const actions: ScheduledCapacity[] = [];
  const problems: { index: number; message: string }[] = [];
  const names = new Set<string>();
  entries.forEach((entry, index) => {
    try {
      const action = parseScheduledAction(entry);
      if (names.has(action.name)) {
        problems.push({ index, message: `name "${action.name}" is used by an earlier entry; names must be unique` });
        return;
      }
      names.add(action.name);
      actions.push(action);
    } catch (err) {
      problems.push({ index, message: (err as Error).message });
    }
  });
  return { actions, problems };
}

/** True for an IANA time zone name the runtime knows (what Application Auto Scaling accepts). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Application Auto Scaling identifiers
// ---------------------------------------------------------------------------------------------

/** `table/<name>` or `table/<name>/index/<index>`: the resource id Application Auto Scaling uses. */
export function scalableResourceId(tableName: string, indexName?: string): string {
  return indexName === undefined ? `table/${tableName}` : `table/${tableName}/index/${indexName}`;
}

export function scalableDimension(kind: "table" | "index", dimension: Dimension): string {
  return `dynamodb:${kind}:${dimension === "read" ? "Read" : "Write"}CapacityUnits`;
}

export function predefinedMetric(dimension: Dimension): string {
  return dimension === "read" ? "DynamoDBReadCapacityUtilization" : "DynamoDBWriteCapacityUtilization";
}

/**
 * The policy name the DynamoDB console uses (`DynamoDBWriteCapacityUtilization:table/<name>`), the
 * same in every region, so a target never ends up with two target-tracking policies on one metric
 * when someone has also touched it from the console (PutScalingPolicy with an existing name updates).
 */
export function scalingPolicyName(resourceId: string, dimension: Dimension): string {
  return `${predefinedMetric(dimension)}:${resourceId}`;
}
