/**
 * A replica stack's read of its primary's token issuer (authIssuer "primary"): the primary's `auth`
 * output, read through the consumer helper before anything is registered, so both regions verify
 * the same issuer and a client's token works in either (Route 53 may send it to either).
 */
import * as pulumi from "@pulumi/pulumi";
import { authIssuerOf } from "../components/edge/config";
import type { AuthOutputs } from "./outputs";
import { platformOutputs } from "./platformOutputs";
import type { StackConfig } from "./config";

/** The primary's issuer, validated; undefined unless the stack takes its issuer from the primary. */
export async function readAuthPrimary(config: StackConfig): Promise<AuthOutputs | undefined> {
  if (authIssuerOf(config) !== "primary") return undefined;
  if (!config.primaryStack) throw new pulumi.RunError('authIssuer "primary" needs trading-platform:primaryStack');
  const primary = await platformOutputs(config.primaryStack, { role: "primary", sections: ["auth"], name: "primary-auth" });
  return primary.values.auth;
}
