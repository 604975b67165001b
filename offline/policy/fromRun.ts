/**
 * Turns a mock-cloud recording (offline/cloud/mockCloud.ts) into what the engine would hand the
 * policy analyzers for the same program: values in wire form (unknowns as the engine's sentinel,
 * secrets unwrapped, internal `__` keys dropped), every `aws:` resource linked to its provider (the
 * engine's default provider, built from the stack's region, when the program set none), and the
 * stack tags the CLI sends.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import type { PolicyProviderResource } from "@pulumi/policy";
import type { RecordedResource, StackRun } from "../cloud/mockCloud";
import { UNKNOWN_VALUE } from "../../policy/lib/values";
import type { AnalysisInput, AnalyzedResource } from "./evaluator";

// The SDK's wire markers for secrets (runtime/rpc.ts); secrets reach policies unwrapped.
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The @pulumi/aws version installed, which names the engine's default provider. */
export function awsProviderVersion(): string {
  const manifest = JSON.parse(readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")) as { version: string };
  return manifest.version.replace(/^v/, "");
}

/** A recorded value in the form the analyzer receives it. */
export function toWire(value: unknown): unknown {
  if (value === undefined) {
    return undefined;
  }
  if (value === pulumi.unknown) {
    return UNKNOWN_VALUE;
  }
  if (Array.isArray(value)) {
    // Array elements are never dropped; an absent element travels as null.
    return value.map((v) => toWire(v) ?? null);
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SPECIAL_SIG_KEY] === SECRET_SIG) {
      return toWire(record.value);
    }
    if (pulumi.Resource.isInstance(value)) {
      // A resource reference reaches analyzers as its id, which the recording does not hold
      // synchronously; treat it as unknown rather than guess.
      return UNKNOWN_VALUE;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) {
      return value; // assets and archives travel as themselves
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      const wire = toWire(v);
      if (!k.startsWith("__") && wire !== undefined) {
        out[k] = wire;
      }
    }
    return out;
  }
  return value;
}

function wireProps(value: Record<string, unknown>): Record<string, unknown> {
  return toWire(value) as Record<string, unknown>;
}

export interface AnalysisInputOptions {
  /** Project name for URNs and the `pulumi:project` tag. Default: the project of the run's URNs. */
  project?: string;
  /** Extra stack tags (merged over the ones the CLI computes). */
  stackTags?: Record<string, string>;
  /** Region of the default AWS provider when no resource in the run shows it. */
  defaultRegion?: string;
}

function projectOf(run: StackRun): string {
  const urn = run.resources[0]?.urn ?? "";
  // urn:pulumi:<stack>::<project>::<type>::<name>
  return urn.split("::")[1] ?? "unknown";
}

/** The stack's own region: that of AWS resources that set neither a region nor a provider. */
function stackRegion(run: StackRun, fallback: string | undefined): string | undefined {
  const plain = run.resources.find((r) => r.type.startsWith("aws:") && !r.provider && typeof r.inputs.region !== "string");
  return plain?.region ?? fallback;
}

/** The input the analyzers would receive for the recorded program run. */
export function analysisInputFromRun(run: StackRun, options: AnalysisInputOptions = {}): AnalysisInput {
  const project = options.project ?? projectOf(run);
  const region = stackRegion(run, options.defaultRegion);
  const awsVersion = awsProviderVersion();
  const defaultProviderName = `default_${awsVersion.replace(/\./g, "_")}`;
  const defaultProvider: PolicyProviderResource = {
    type: "pulumi:providers:aws",
    name: defaultProviderName,
    urn: `urn:pulumi:${run.stack}::${project}::pulumi:providers:aws::${defaultProviderName}`,
    props: { ...(region ? { region } : {}), version: awsVersion },
  };
  const providerRecords = new Map(run.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
  const providerOf = (r: RecordedResource): PolicyProviderResource | undefined => {
    if (r.provider) {
      const urn = r.provider.split("::").slice(0, -1).join("::");
      const record = providerRecords.get(urn);
      return record ? { type: record.type, name: record.name, urn: record.urn, props: wireProps(record.inputs) } : undefined;
    }
    return r.type.startsWith("aws:") ? defaultProvider : undefined;
  };
  const usesDefaultProvider = run.resources.some((r) => r.type.startsWith("aws:") && !r.provider);
  const resources: AnalyzedResource[] = [];
  if (usesDefaultProvider) {
    // The engine registers default providers as resources of the stack; stack policies see them.
    resources.push({
      urn: defaultProvider.urn,
      type: defaultProvider.type,
      name: defaultProvider.name,
      inputs: defaultProvider.props,
      outputs: defaultProvider.props,
      dependencies: [],
      propertyDependencies: {},
      options: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    });
  }
  for (const r of run.resources) {
    const outputs = wireProps(r.outputs);
    if (r.custom && r.id !== undefined && outputs.id === undefined) {
      outputs.id = r.id;
    }
    const provider = providerOf(r);
    resources.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      inputs: wireProps(r.inputs),
      outputs,
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      options: {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
      },
      ...(provider ? { provider } : {}),
    });
  }
  const tags = new Map<string, string>([
    ["pulumi:project", project],
    ["pulumi:runtime", "nodejs"],
    ...Object.entries(options.stackTags ?? {}),
  ]);
  return { resources, stackTags: tags };
}
