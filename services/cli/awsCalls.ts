/**
 * Which AWS call failed, for the operator CLIs' error lines. The SDK's errors do not say: a missing
 * credential or region surfaces as `CredentialsProviderError: Could not load credentials from any
 * providers` or `Error: Region is missing`, with no service, operation or region. `nameAwsCalls`
 * adds one middleware to a client that records, for every error a command throws, the IAM action
 * (`ssm:GetParameter`) and the region it was sent to; `awsCallOf` reads it back.
 *
 * The error itself is passed on untouched (the failover command tells "no answer" from "an answer"
 * by its fields), so the record lives in a WeakMap beside it.
 */

/** The IAM action of a failed call and the region it was for (absent when none was configured). */
export interface AwsCall {
  readonly action: string;
  readonly region?: string;
}

const calls = new WeakMap<object, AwsCall>();

/** The call an error came from, when it came from a client given to nameAwsCalls. */
export function awsCallOf(error: unknown): AwsCall | undefined {
  return typeof error === "object" && error !== null ? calls.get(error) : undefined;
}

/**
 * IAM prefixes of the clients the CLIs use, where they differ from the client's name (CloudWatch
 * signs as `monitoring` but its actions are `cloudwatch:`; Auto Scaling is `autoscaling:`).
 */
const IAM_PREFIX: Record<string, string> = {
  SSMClient: "ssm",
  LambdaClient: "lambda",
  CloudWatchClient: "cloudwatch",
  Route53Client: "route53",
  STSClient: "sts",
  AutoScalingClient: "autoscaling",
  PricingClient: "pricing",
};

/** `ssm:GetParameter` from the SDK's client and command names. */
export function iamAction(clientName: string, commandName: string): string {
  const prefix = IAM_PREFIX[clientName] ?? clientName.replace(/Client$/, "").toLowerCase();
  return `${prefix}:${commandName.replace(/Command$/, "")}`;
}

type Handler = (args: unknown) => Promise<unknown>;
interface HandlerContext {
  clientName?: string;
  commandName?: string;
}
/**
 * The one overload of an SDK client's middlewareStack.add used here. Each client types it with its
 * own input and output unions (and @smithy/types is not a dependency of this project), so the stack
 * is viewed through this shape: the middleware only passes `args` on and rethrows.
 */
interface InitializeStack {
  add(
    middleware: (next: Handler, context: HandlerContext) => Handler,
    options: { step: "initialize"; name: string; priority: "high"; override: boolean },
  ): void;
}

/** The part of an SDK v3 client this needs (every generated client has it). */
export interface NamedClient {
  middlewareStack: object;
  config: object;
}

async function regionOf(client: NamedClient): Promise<string | undefined> {
  try {
    const region = (client.config as { region?: unknown }).region;
    const value: unknown = typeof region === "function" ? await (region as () => Promise<unknown>)() : region;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined; // "Region is missing": the call had none
  }
}

/** Adds the recording middleware to `client` (first in the stack, so it sees credential and region errors too) and returns it. */
export function nameAwsCalls<C extends NamedClient>(client: C): C {
  (client.middlewareStack as InitializeStack).add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === "object" && error !== null && !calls.has(error)) {
          // Resolving a missing region again would only repeat the SDK's search (and its metadata-service wait).
          const region = error instanceof Error && error.message === "Region is missing" ? undefined : await regionOf(client);
          calls.set(error, { action: iamAction(context.clientName ?? "AWS", context.commandName ?? "call"), ...(region ? { region } : {}) });
        }
        throw error;
      }
    },
    { step: "initialize", name: "cliAwsCallNames", priority: "high", override: true },
  );
  return client;
}
