/**
 * `npm run ami:latest -- <stack> [--region <region>]`: pins the stack to the current Amazon Linux 2023
 * AMI. Reads AWS's public SSM parameter for the stack's architecture
 * (/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>, AWS documents these as the
 * way to find the latest AL2023 AMI) in the stack's region with the caller's credentials
 * (ssm:GetParameter), and writes the id into Pulumi.<stack>.yaml as trading-platform:clusterAmiId.
 * Review and merge the change like any other: the merge's deploy rolls the fleet onto it.
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { readStackFile, REPO_ROOT } from "../cloud/stackFiles";
import { amiParameterForStackFile, pinAmi } from "./amiPin";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { region: { type: "string" } } });
  const stack = positionals[0];
  if (!stack) {
    process.stderr.write("usage: npm run ami:latest -- <stack> [--region <region>]\n");
    return 2;
  }
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  const region = values.region ?? String(readStackFile(stack)["aws:region"]);
  const parameter = amiParameterForStackFile(file);
  const result = await new SSMClient({ region }).send(new GetParameterCommand({ Name: parameter }));
  const amiId = result.Parameter?.Value ?? "";
  const previous = pinAmi(file, amiId);
  process.stdout.write(`${stack}: clusterAmiId ${previous ?? "(unset)"} -> ${amiId} (${parameter} in ${region})\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
