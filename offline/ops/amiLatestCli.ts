/**
 * `npm run ami:latest -- <stack> [--region <region>]`: pins the stack to the current Amazon Linux 2023
 * AMI. Reads AWS's public SSM parameter for the stack's architecture
 * (/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>, AWS documents these as the
 * way to find the latest AL2023 AMI) in the stack's region with the caller's credentials
 * (ssm:GetParameter), and writes the id into Pulumi.<stack>.yaml as trading-platform:clusterAmiId.
 * Review and merge the change like any other: the merge's deploy rolls the fleet onto it.
 *
 * The region is --region, else the stack file's aws:region, else the SDK's (AWS_REGION, the profile).
 * The stack file is written only after the lookup succeeded.
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { nameAwsCalls } from "../../services/cli/awsCalls";
import { runMain } from "../../services/cli/main";
import { parseCliArgs, UsageError } from "../../services/cli/usage";
import { readStackFile, REPO_ROOT } from "../cloud/stackFiles";
import { amiParameterForStackFile, pinAmi } from "./amiPin";

const USAGE = `usage: npm run ami:latest -- <stack> [--region <region>]
Needs AWS credentials (AWS_PROFILE after aws configure or aws sso login, or keys) allowed ssm:GetParameter
on AWS's public AL2023 parameter; the region is --region, else the stack file's aws:region, else AWS_REGION.`;

/** The stacks of this repository, from its Pulumi.<stack>.yaml files. */
function stacks(): string[] {
  return readdirSync(REPO_ROOT).flatMap((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1] ?? []);
}

async function main(): Promise<number> {
  const { positionals, values } = parseCliArgs({ args: process.argv.slice(2), allowPositionals: true, options: { region: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [stack, ...extra] = positionals;
  if (!stack) throw new UsageError(`the stack is required (one of ${stacks().join(", ")}): npm run ami:latest -- <stack> [--region <region>]`);
  if (extra.length > 0) throw new UsageError(`one stack at a time; got ${positionals.join(", ")}`);
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new UsageError(`unknown stack "${stack}": the stacks are ${stacks().join(", ")}`);
  const stackRegion = readStackFile(stack)["aws:region"];
  const region = values.region ?? (typeof stackRegion === "string" ? stackRegion : undefined);
  const parameter = amiParameterForStackFile(file);
  // Without a region here the SDK's own chain decides (AWS_REGION, the profile's region).
  const ssm = nameAwsCalls(new SSMClient(region ? { region } : {}));
  const result = await ssm.send(new GetParameterCommand({ Name: parameter }));
  const amiId = result.Parameter?.Value ?? "";
  const previous = pinAmi(file, amiId);
  process.stdout.write(`${stack}: clusterAmiId ${previous ?? "(unset)"} -> ${amiId} (${parameter} in ${region ?? (await ssm.config.region())})\n`);
  return 0;
}

runMain("ami:latest", main, { region: "pass --region <region>, set aws:region in the stack file, or set AWS_REGION" });
