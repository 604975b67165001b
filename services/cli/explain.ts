/**
 * One or two lines for an error an operator CLI could not handle: what failed (the AWS call and
 * region, from awsCalls.ts), why, and what the operator does about it. Never a stack trace: the
 * people who read these lines are running a command, not debugging it.
 */
import { awsCallOf, type AwsCall } from "./awsCalls";
import { UsageError } from "./usage";

export interface ExplainHints {
  /** How this command is given a region, e.g. "pass --region <region> or set AWS_REGION". */
  region?: string;
  /** The environment the command runs in (AWS_PROFILE is named when set). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_REGION_HINT = "pass --region <region> or set AWS_REGION";
/** The SDK's message when its default chain found nothing (CredentialsProviderError). */
const NO_CREDENTIALS = /Could not load credentials from any providers/;
/** Answers meaning the credentials were found but are not (or no longer) valid. */
const REFUSED_CREDENTIALS = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
]);
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"]);
const NO_ANSWER_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

interface ErrorFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The error's own text; an AggregateError (a refused connection to both of localhost's addresses) has none, its parts do. */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as ErrorFields;
  if (error.message) return error.message;
  if (Array.isArray(fields.errors) && fields.errors.length > 0) return [...new Set(fields.errors.map(messageOf))].join("; ");
  return typeof fields.code === "string" ? fields.code : error.name;
}

function credentialsHint(env: NodeJS.ProcessEnv): string {
  const profile = env.AWS_PROFILE;
  return profile
    ? `AWS_PROFILE=${profile} gave none: is it in ~/.aws/config, and is its SSO session current (aws sso login --profile ${profile})?`
    : "use a profile: set AWS_PROFILE=<name> after `aws configure` or `aws configure sso` (then `aws sso login`)";
}

function prefix(call: AwsCall | undefined): string {
  return call ? `${call.action}${call.region ? ` in ${call.region}` : ""} failed` : "an AWS call failed";
}

/** The AWS part, or undefined when the error is not one of the AWS cases below. */
function explainAws(error: unknown, hints: ExplainHints): string | undefined {
  const call = awsCallOf(error);
  const fields = (typeof error === "object" && error !== null ? error : {}) as ErrorFields;
  const status = fields.$metadata?.httpStatusCode;
  // An answer the SDK could not parse (a proxy's HTML page, an emulator's XML where JSON belongs) is
  // told by its HTTP status: the parser's complaint says nothing to the operator.
  const unparsed = status !== undefined && /Deserialization error/.test(messageOf(error));
  const name = unparsed ? `HTTP ${status}` : String(fields.name ?? "");
  const message = unparsed ? "an answer that is not AWS's" : messageOf(error);
  const env = hints.env ?? process.env;
  if (name === "CredentialsProviderError" || NO_CREDENTIALS.test(message)) {
    return NO_CREDENTIALS.test(message)
      ? `${prefix(call)}: no AWS credentials (none in the environment, the shared config files or an instance role).\n${credentialsHint(env)}`
      : `${prefix(call)}: AWS credentials could not be loaded (${message}).\n${credentialsHint(env)}`;
  }
  if (message === "Region is missing") {
    return `${prefix(call)}: no AWS region: ${hints.region ?? DEFAULT_REGION_HINT}`;
  }
  if (!call) return undefined;
  if (REFUSED_CREDENTIALS.has(name)) {
    return `${prefix(call)}: AWS refused the credentials (${name}: ${message}).\nRefresh them (aws sso login, or new keys) and check AWS_PROFILE names the right account`;
  }
  if (ACCESS_DENIED.has(name) || status === 403) {
    return `${prefix(call)}: access denied (${name}: ${message}).\nThe identity needs ${call.action}${call.region ? ` in ${call.region}` : ""}`;
  }
  if (status === undefined && (NO_ANSWER_CODES.has(String(fields.code)) || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up/.test(message))) {
    return `${prefix(call)}: no answer (${message}): check the network, or the endpoint the command was pointed at (--endpoint-url, AWS_ENDPOINT_URL)`;
  }
  return `${prefix(call)}: ${name && name !== "Error" ? `${name}: ` : ""}${message}`;
}

/** What the operator reads: an AWS error explained, a usage error as it is, anything else by its message. */
export function explainError(error: unknown, hints: ExplainHints = {}): string {
  if (error instanceof UsageError) return error.message;
  return explainAws(error, hints) ?? messageOf(error);
}
