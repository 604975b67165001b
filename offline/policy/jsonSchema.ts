/**
 * The subset of JSON Schema (draft 7) our policies' config schemas use, validated the way the
 * Pulumi CLI validates a policy pack config (gojsonschema over `{type: object, properties,
 * required}`), so a bad config file fails offline as it would in a pull request.
 *
 * A schema keyword outside this subset is reported as an error rather than ignored, so a policy
 * cannot rely on a constraint the offline run would silently skip.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

const SUPPORTED = new Set([
  "type",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "properties",
  "required",
  "additionalProperties",
  "description",
  "default",
]);

type Schema = PolicyConfigJSONSchema | boolean;

function typeOf(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "array";
  }
  if (typeof value === "number") {
    return Number.isInteger(value) ? "integer" : "number";
  }
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** Errors of `value` against `schema`, each prefixed with its path (`budget.monthlyBudgetUsd`). */
export function validateAgainstSchema(value: unknown, schema: Schema, path: string): string[] {
  if (schema === true) {
    return [];
  }
  if (schema === false) {
    return [`${path}: no value is allowed here`];
  }
  const errors: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!SUPPORTED.has(keyword)) {
      errors.push(`${path}: schema keyword "${keyword}" is not supported by the offline evaluator`);
    }
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => matchesType(value, t))) {
      return [...errors, `${path}: expected ${types.join(" or ")}, got ${typeOf(value)} ${JSON.stringify(value)}`];
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      errors.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      errors.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
    }
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      errors.push(`${path}: ${value} must be greater than ${schema.exclusiveMinimum}`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      errors.push(`${path}: ${value} must be less than ${schema.exclusiveMaximum}`);
    }
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push(`${path}: must be at least ${schema.minLength} characters`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      errors.push(`${path}: must be at most ${schema.maxLength} characters`);
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push(`${path}: must have at least ${schema.minItems} items`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push(`${path}: must have at most ${schema.maxItems} items`);
    }
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      errors.push(`${path}: items must be unique`);
    }
    if (schema.items !== undefined) {
      if (Array.isArray(schema.items)) {
        errors.push(`${path}: tuple "items" is not supported by the offline evaluator`);
      } else {
        const itemSchema = schema.items;
        value.forEach((item, i) => errors.push(...validateAgainstSchema(item, itemSchema, `${path}[${i}]`)));
      }
    }
  }
  if (typeOf(value) === "object") {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) {
        errors.push(`${path}: ${key} is required`);
      }
    }
    for (const [key, child] of Object.entries(record)) {
      const childSchema = schema.properties?.[key];
      if (childSchema !== undefined) {
        errors.push(...validateAgainstSchema(child, childSchema, `${path}.${key}`));
      } else if (schema.additionalProperties !== undefined) {
        errors.push(...validateAgainstSchema(child, schema.additionalProperties, `${path}.${key}`));
      }
    }
  }
  return errors;
}

/**
 * Validates one policy's config properties (enforcementLevel already removed) against its
 * `configSchema`, as the CLI does: the schema is an object schema with those properties and
 * required keys; properties the schema does not name are allowed.
 */
export function validatePolicyConfig(policyName: string, config: Record<string, unknown>, schema: PolicyConfigSchema): string[] {
  return validateAgainstSchema(config, { type: "object", properties: schema.properties, required: schema.required }, policyName);
}
