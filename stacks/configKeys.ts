/**
 * Each config key parsed on its own against its schema (Pulumi hands every value over as a
 * string), and each problem described as the stack file's author reads it: the key (and index),
 * the value received, what is allowed.
 */
import { z } from "zod";
import type { ConfigProblem } from "./configError";

/** The parts of a key's JSON Schema the messages quote: its type and what is allowed. */
export interface KeySchema {
  type?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  items?: KeySchema;
  properties?: Record<string, KeySchema>;
}

export function keySchemas(schema: z.ZodObject): Record<string, KeySchema> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, KeySchema> };
  return json.properties ?? {};
}

/** Pulumi hands every config value over as a string; typed values arrive as JSON text. */
function decode(raw: string, type: string | undefined): unknown {
  if (type === "string" || type === undefined) {
    return raw;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // left as text, so the schema reports "expected <type>" against the key
  }
}

/** A received value as the message quotes it: JSON, cut short when long. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "1–40000", "1 or more", "at most 6": a range as the schema allows it. */
function range(min: number | undefined, max: number | undefined, exclusiveMin?: number, exclusiveMax?: number): string | undefined {
  if (min !== undefined && max !== undefined) {
    return `${min}–${max}`;
  }
  const low = min !== undefined ? `${min} or more` : exclusiveMin !== undefined ? `more than ${exclusiveMin}` : undefined;
  const high = max !== undefined ? `${max} or less` : exclusiveMax !== undefined ? `less than ${exclusiveMax}` : undefined;
  return [low, high].filter((t) => t !== undefined).join(" and ") || undefined;
}

/** The schema of the value at `path` below a key (an array item, an object property). */
function schemaAt(schema: KeySchema | undefined, path: PropertyKey[]): KeySchema | undefined {
  let at = schema;
  for (const p of path) {
    at = typeof p === "number" ? at?.items : at?.properties?.[String(p)];
  }
  return at;
}

/** One zod issue of one key as a line: the key (and index), the value received, what is allowed. */
function describeIssue(key: string, schema: KeySchema | undefined, issue: z.core.$ZodIssue): string {
  const where = [key, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("");
  const at = schemaAt(schema, issue.path);
  const about = schema?.description ?? "see Pulumi.yaml";
  const got = `got ${shown(issue.input)}`;
  if ((issue.code === "invalid_type" || issue.code === "invalid_value") && issue.input === undefined) {
    return `${where}: is required but not set (${about})`;
  }
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") {
        const allowed = range(at?.minimum, at?.maximum);
        return `${where}: ${got}; allowed whole numbers${allowed ? ` ${allowed}` : ""}`;
      }
      return `${where}: expected ${issue.expected}, got ${shown(issue.input)} (${about})`;
    case "invalid_value":
      return `${where}: ${shown(issue.input)} is not allowed; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
    case "too_big": {
      if (issue.origin === "array" || issue.origin === "set") {
        const count = Array.isArray(issue.input) ? issue.input.length : undefined;
        return `${where}: got ${count ?? "?"} item(s); allowed ${range(at?.minItems, at?.maxItems) ?? "?"} items`;
      }
      if (issue.origin === "string") {
        const length = typeof issue.input === "string" ? issue.input.length : undefined;
        return `${where}: ${got} (${length ?? "?"} characters); allowed ${range(at?.minLength, at?.maxLength) ?? "?"} characters`;
      }
      const allowed = range(at?.minimum, at?.maximum, at?.exclusiveMinimum, at?.exclusiveMaximum);
      const bound = issue.code === "too_small" ? `${issue.inclusive ? "" : "more than "}${String(issue.minimum)}` : `${issue.inclusive ? "" : "less than "}${String(issue.maximum)}`;
      return `${where}: ${got}; allowed ${allowed ?? bound}`;
    }
    case "invalid_format":
      return `${where}: ${got}; allowed ${issue.format === "regex" && issue.pattern ? `text matching ${issue.pattern}` : `a valid ${issue.format}`} (${about})`;
    case "unrecognized_keys":
      return `${where}: unknown keys ${issue.keys.join(", ")}`;
    default:
      return `${where}: ${got}; ${issue.message}`;
  }
}

interface KeyResult {
  /** The parsed value, or the key's default when the value has a problem. */
  values: Record<string, unknown>;
  /** Keys with a problem and no default: no value a check could use. */
  missing: string[];
  problems: ConfigProblem[];
}

/** Parses each key on its own, so one bad value neither hides another's problem nor stops the checks across keys. */
export function parseKeys(
  shape: Record<string, z.ZodType>,
  schemas: Record<string, KeySchema>,
  qualified: (key: string) => string,
  raw: Record<string, string | undefined>,
): KeyResult {
  const result: KeyResult = { values: {}, missing: [], problems: [] };
  for (const [key, field] of Object.entries(shape)) {
    const name = qualified(key);
    const text = raw[name];
    const parsed = field.safeParse(text === undefined ? undefined : decode(text, schemas[key]?.type), { reportInput: true });
    if (parsed.success) {
      result.values[key] = parsed.data;
      continue;
    }
    for (const issue of parsed.error.issues) {
      result.problems.push({ key: name, involves: [], text: describeIssue(name, schemas[key], issue) });
    }
    const fallback = field.safeParse(undefined);
    if (fallback.success && fallback.data !== undefined) {
      result.values[key] = fallback.data;
    } else {
      result.missing.push(key);
    }
  }
  return result;
}
