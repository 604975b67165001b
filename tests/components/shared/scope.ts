/** A bare component to register the shared helpers' resources under, and a run of one program with it. */
import * as pulumi from "@pulumi/pulumi";
import { runProgram, StackRun } from "../../support/mockCloud";

class Scope extends pulumi.ComponentResource {
  constructor() {
    super("test:shared:Scope", "scope", {});
  }
}

/**
 * Runs `register` with a fresh scope component (as `pulumi up` would) and returns the recording;
 * an object `register` returns becomes the stack's outputs.
 */
export function runInScope(register: (scope: pulumi.ComponentResource) => unknown): Promise<StackRun> {
  return runProgram(
    async () => {
      const outputs = register(new Scope());
      return typeof outputs === "object" && outputs !== null ? (outputs as Record<string, unknown>) : undefined;
    },
    { stack: "test", config: { "aws:region": "us-east-1" } },
  );
}

export const scopeOf = (run: StackRun) => run.single("test:shared:Scope");
