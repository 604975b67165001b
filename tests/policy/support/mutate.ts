/**
 * Mutated stacks for policy tests where no stack config can produce the mutation (the program
 * refuses it, or has no knob for it): a copy of a real run with one resource's properties edited,
 * as if a component had been changed to do it. Inputs and outputs are edited alike; property
 * dependencies follow.
 */
import { RecordedResource, StackRun } from "../../support/mockCloud";

export interface ResourceEdit {
  /** Which resource (exactly one must match). */
  match: (r: RecordedResource) => boolean;
  /** New values per property; `undefined` removes the property. */
  set?: Record<string, unknown>;
  /** Replaces a property's dependencies. */
  propertyDependencies?: Record<string, string[]>;
  /** Replaces the resource's ignoreChanges option. */
  ignoreChanges?: string[];
}

export function mutateRun(run: StackRun, ...edits: ResourceEdit[]): StackRun {
  const resources = run.resources.map((r) => ({ ...r, inputs: { ...r.inputs }, outputs: { ...r.outputs }, propertyDependencies: { ...r.propertyDependencies } }));
  for (const edit of edits) {
    const matches = resources.filter(edit.match);
    if (matches.length !== 1) {
      throw new Error(`mutateRun: expected one resource to edit, found ${matches.length} (${matches.map((m) => m.name).join(", ")})`);
    }
    const [resource] = matches;
    const set = edit.set ?? {};
    const removed = new Set(Object.keys(set).filter((k) => set[k] === undefined));
    const apply = (props: Record<string, unknown>) =>
      Object.fromEntries([...Object.entries(props), ...Object.entries(set)].filter(([k]) => !removed.has(k)));
    resource.inputs = apply(resource.inputs);
    resource.outputs = apply(resource.outputs);
    resource.propertyDependencies = Object.fromEntries(Object.entries(resource.propertyDependencies).filter(([k]) => !removed.has(k)));
    Object.assign(resource.propertyDependencies, edit.propertyDependencies ?? {});
    if (edit.ignoreChanges) {
      resource.ignoreChanges = edit.ignoreChanges;
    }
  }
  return new StackRun(run.stack, run.preview, resources, run.invokes, run.outputs);
}
