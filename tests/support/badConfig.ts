/**
 * The one way a test asserts that a bad stack file is refused: the real stack file with some keys
 * changed fails with a message naming the stack, the key and what is allowed, and nothing of the
 * program's was registered before it did.
 */
import { expect } from "chai";
import { PROJECT } from "../../stacks/config";
import { stackFileFailure } from "./mockCloud";

export interface BadConfigCase {
  title: string;
  stack: string;
  /** Config keys to change over the stack file (`undefined` removes one). */
  overrides: Record<string, unknown>;
  /** A part of the message that must appear: the key and what is allowed. */
  message: string;
}

/** A project config key, qualified as the stack files write it. */
export const configKey = (key: string): string => `${PROJECT}:${key}`;

/** One `it` per case, inside the caller's `describe`. */
export function itRejectsEachBadConfig(cases: BadConfigCase[]): void {
  for (const bad of cases) {
    it(`rejects ${bad.title}, naming the key, the stack and what is allowed, before any resource exists`, async () => {
      const failure = await stackFileFailure(bad.stack, { overrides: bad.overrides });
      expect(failure.message).to.contain(`Invalid configuration for stack "${bad.stack}" (Pulumi.${bad.stack}.yaml)`);
      expect(failure.message).to.contain(bad.message);
      // The root Stack resource is the engine's own; nothing of the program's may exist.
      expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
    });
  }
}
