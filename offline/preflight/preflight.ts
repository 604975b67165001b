/**
 * `npm run preflight -- <stack>`: everything a first deploy of a stack into an account needs,
 * each line OK or TO DO with what to do. Without credentials it checks what the repository can
 * tell (the stack file's example values, the certificate's and DNS settings' shape, the quotas the
 * stack uses against AWS's defaults, alone and with the region's other stacks); with credentials
 * for the target account it also asks AWS (services/preflight: certificate status, hosted zone,
 * applied quotas, the current AMI).
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { nameAwsCalls } from "../../services/cli/awsCalls";
import { explainError } from "../../services/cli/explain";
import { parseStackConfig, StackConfigError, type StackConfig } from "../../stacks/config";
import { runStackFile, type StackRun } from "../cloud/mockCloud";
import { readStackFile, stackConfig, STACKS } from "../cloud/stackFiles";
import { awsLines } from "./awsChecks";
import { offlineLines } from "./offlineChecks";
import { CheckLine, oneLine, renderReport, todo } from "./report";

export interface PreflightOptions {
  /** Skip every check that needs credentials (they are listed as not run). Default false. */
  offline?: boolean;
}

export interface PreflightResult {
  stack: string;
  lines: CheckLine[];
  /** The report as printed. */
  text: string;
}

const AWS_CHECKS = "certificate status, hosted zone, applied quotas, current AMI";

async function callerAccount(region: string): Promise<string> {
  const sts = nameAwsCalls(new STSClient({ region, maxAttempts: 2 }));
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return identity.Account ?? "unknown";
}

/** One run per stack file per process: a stack's neighbours are planned for each of its checks. */
const runs = new Map<string, Promise<StackRun>>();
function runOf(stack: string): Promise<StackRun> {
  let run = runs.get(stack);
  if (!run) {
    run = runStackFile(stack);
    runs.set(stack, run);
    run.catch(() => runs.delete(stack));
  }
  return run;
}

/** The project's other stacks whose stack file names the same region. */
function neighboursOf(stack: string, region: string): string[] {
  return STACKS.filter((other) => other !== stack && readStackFile(other)["aws:region"] === region);
}

export async function preflight(stack: string, options: PreflightOptions = {}): Promise<PreflightResult> {
  let config: StackConfig;
  try {
    config = parseStackConfig(stack, stackConfig(stack));
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    const lines = error.problems.map((p) => todo("stack configuration", p));
    return { stack, lines, text: renderReport(stack, `Pulumi.${stack}.yaml is not valid; fix it first`, lines) };
  }
  const run = await runOf(stack);
  const neighbours = [];
  for (const other of neighboursOf(stack, config.region)) {
    neighbours.push({ stack: other, resources: (await runOf(other)).resources });
  }
  const lines = offlineLines({ config, resources: run.resources, neighbours });
  let header = `${config.environment} ${config.role} in ${config.region}, checked offline`;
  if (options.offline) {
    lines.push(todo("AWS checks", `not run (--offline): ${AWS_CHECKS}; run again with credentials for the target account`));
  } else {
    let account: string | undefined;
    try {
      account = await callerAccount(config.region);
    } catch (error) {
      lines.push(todo("AWS credentials", `${oneLine(explainError(error, { region: `the stack's region is ${config.region}` }))}; not run without them: ${AWS_CHECKS}`));
    }
    if (account) {
      header = `${config.environment} ${config.role} in ${config.region}, checked offline and in account ${account}`;
      lines.push(...(await awsLines({ config, account, resources: run.resources, neighbours })));
    }
  }
  return { stack, lines, text: renderReport(stack, header, lines) };
}
