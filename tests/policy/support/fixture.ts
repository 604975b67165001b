/**
 * Hand-made stacks for policy tests: resources in the form the engine hands to analyzers, with
 * property dependencies recorded the way Pulumi records them (per top-level property, for every
 * resource whose output fed the value). In "preview" mode references resolve to the engine's
 * unknown sentinel, as ids do in a first preview.
 */
import type { PolicyPackConfigFile, PolicyPackDefinition } from "../../../policy/lib/packDefinition";
import { AnalysisInput, AnalyzedResource, evaluatePack, PackEvaluation, Violation } from "../../../offline/policy/evaluator";
import { UNKNOWN_VALUE } from "../../../policy/lib/values";

export const UNKNOWN = UNKNOWN_VALUE;
export const PROJECT = "trading-platform";

export interface FixtureResource {
  urn: string;
  name: string;
  type: string;
  /** The id an update would give it (`<name>-id`). */
  id: string;
}

/** A reference to another resource's output; replaced by its value (or UNKNOWN in preview). */
export class Ref {
  constructor(
    readonly target: FixtureResource,
    readonly attribute: string,
    readonly value: unknown,
  ) {}
}

export interface AddOptions {
  parent?: FixtureResource;
  dependsOn?: FixtureResource[];
  /** Extra property dependencies, as if the value had been computed from these resources. */
  deps?: Record<string, FixtureResource[]>;
  /** Outputs beyond the inputs (what AWS computes). */
  computed?: Record<string, unknown>;
  protect?: boolean;
  /** Pulumi's ignoreChanges resource option, as the engine hands it to analyzers. */
  ignoreChanges?: string[];
  /** The resource's own provider (default: the engine's default aws provider of the fixture's region). */
  provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

export class Fixture {
  readonly resources: AnalyzedResource[] = [];
  readonly preview: boolean;
  readonly region: string;
  private readonly stack: string;

  constructor(options: { preview?: boolean; region?: string; stack?: string } = {}) {
    this.preview = options.preview ?? false;
    this.region = options.region ?? "us-east-1";
    this.stack = options.stack ?? "fixture";
  }

  /** `target.<attribute>`: its id by default; an explicit value for names, AZs and the like. */
  ref(target: FixtureResource, attribute = "id", value?: unknown): Ref {
    const known = value ?? (attribute === "id" ? target.id : attribute === "arn" ? `arn:aws:fixture:${this.region}:123456789012:${target.name}` : `${target.name}-${attribute}`);
    return new Ref(target, attribute, this.preview ? UNKNOWN : known);
  }

  /** A value an update computes (known after `up`, unknown in a preview). */
  computed(value: unknown): unknown {
    return this.preview ? UNKNOWN : value;
  }

  urnOf(type: string, name: string, parent?: FixtureResource): string {
    const parentType = parent ? `${parent.urn.split("::")[2]}$` : "";
    return `urn:pulumi:${this.stack}::${PROJECT}::${parentType}${type}::${name}`;
  }

  add(type: string, name: string, props: Record<string, unknown>, options: AddOptions = {}): FixtureResource {
    const propertyDependencies: Record<string, string[]> = {};
    const resolve = (value: unknown, key: string): unknown => {
      if (value instanceof Ref) {
        (propertyDependencies[key] ??= []).push(value.target.urn);
        return value.value;
      }
      if (Array.isArray(value)) {
        return value.map((v) => resolve(v, key));
      }
      if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, key)]));
      }
      return value;
    };
    const inputs = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, resolve(v, k)]));
    for (const [key, targets] of Object.entries(options.deps ?? {})) {
      (propertyDependencies[key] ??= []).push(...targets.map((t) => t.urn));
    }
    for (const key of Object.keys(propertyDependencies)) {
      propertyDependencies[key] = [...new Set(propertyDependencies[key])];
    }
    const urn = this.urnOf(type, name, options.parent);
    const resource: FixtureResource = { urn, name, type, id: `${name}-id` };
    const custom = type.startsWith("aws:");
    const outputs = { ...inputs, ...(custom && !this.preview ? { id: resource.id } : {}), ...(options.computed ?? {}) };
    const dependencies = [...new Set([...Object.values(propertyDependencies).flat(), ...(options.dependsOn ?? []).map((d) => d.urn)])];
    const provider =
      options.provider ??
      (custom
        ? {
            type: "pulumi:providers:aws",
            name: "default_7_48_0",
            urn: `urn:pulumi:${this.stack}::${PROJECT}::pulumi:providers:aws::default_7_48_0`,
            props: { region: this.region, version: "7.48.0" },
          }
        : undefined);
    this.resources.push({
      urn,
      type,
      name,
      inputs,
      outputs,
      ...(options.parent ? { parent: options.parent.urn } : {}),
      dependencies,
      propertyDependencies,
      options: {
        protect: options.protect ?? false,
        ignoreChanges: options.ignoreChanges ?? [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(options.parent ? { parent: options.parent.urn } : {}),
      },
      ...(provider ? { provider } : {}),
    });
    return resource;
  }

  /** A resource added earlier (by a builder), by name. */
  get(name: string): FixtureResource {
    const found = this.resources.find((r) => r.name === name);
    if (!found) {
      throw new Error(`no fixture resource named ${name}`);
    }
    return { urn: found.urn, name: found.name, type: found.type, id: `${found.name}-id` };
  }

  /** A component resource (program type), to parent others. */
  component(type: string, name: string, parent?: FixtureResource): FixtureResource {
    return this.add(type, name, {}, parent ? { parent } : {});
  }

  input(stackTags: Record<string, string> = {}): AnalysisInput {
    return {
      resources: this.resources,
      stackTags: new Map(Object.entries({ "pulumi:project": PROJECT, "pulumi:runtime": "nodejs", ...stackTags })),
    };
  }
}

/** Evaluates `pack` over the fixture with the given config file. */
export async function evaluate(pack: PolicyPackDefinition, fixture: Fixture, config?: PolicyPackConfigFile): Promise<PackEvaluation> {
  return evaluatePack(pack, fixture.input(), config);
}

/** Messages of one policy's violations, in report order. */
export function messagesOf(result: PackEvaluation, policyName: string): string[] {
  return result.violations.filter((v) => v.policyName === policyName).map((v) => v.message);
}

/** The violations of one policy. */
export function violationsOf(result: PackEvaluation, policyName: string): Violation[] {
  return result.violations.filter((v) => v.policyName === policyName);
}
