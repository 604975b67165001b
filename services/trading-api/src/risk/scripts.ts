/**
 * Lua scripts run with EVALSHA, falling back to EVAL once when the server does not know the script
 * (after a restart or a failover to a replica that never saw it). A script is atomic on the server:
 * nothing else runs between its reads and writes. Each call is bounded by the client's command
 * timeout (valkey.ts).
 */
import { createHash } from "node:crypto";
import { bounded, type ValkeyClient } from "./valkey";

export class Script {
  readonly sha1: string;
  constructor(readonly source: string) {
    this.sha1 = createHash("sha1").update(source).digest("hex");
  }

  async run(client: ValkeyClient, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await bounded(client, client.evalSha(this.sha1, { keys, arguments: args }));
    } catch (error) {
      if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      return bounded(client, client.eval(this.source, { keys, arguments: args }));
    }
  }
}
