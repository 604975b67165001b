/**
 * The HMAC key of the trading API's pagination cursors: an SSM SecureString generated at deploy time
 * and written only when its rotation counter changes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";

/** Registers the parameter under `scope`, encrypted with the cluster's key. */
export function cursorSecretParameter(
  scope: pulumi.Resource,
  name: string,
  kmsKeyArn: pulumi.Input<string>,
  rotation: number,
): aws.ssm.Parameter {
  return new aws.ssm.Parameter(
    `${name}-cursor-secret`,
    {
      name: `/${name}/${pulumi.getStack()}/trading-api/cursor-secret`,
      description: "HMAC key of the trading API's pagination cursors (read by instances at boot)",
      type: "SecureString",
      keyId: kmsKeyArn,
      // Write-only: sent to SSM when the rotation counter changes and never diffed; generated
      // here so no person ever sees it, and marked secret so it is encrypted in the state inputs.
      valueWo: pulumi.secret(randomBytes(48).toString("base64url")),
      valueWoVersion: rotation,
    },
    { parent: scope },
  );
}
