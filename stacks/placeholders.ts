/**
 * Example values in the committed stack files that name nothing of a real deployer's: the mock
 * cloud's AMI ids, AWS's documentation account 123456789012 inside ARNs, Route 53's EXAMPLE zone
 * ids, the reserved `.example` domain (RFC 2606) in e-mail addresses, names and URLs, and the
 * example Pulumi organisation. They let every stack plan offline as committed; a real `pulumi up`
 * or `preview` with any of them left stops before registering anything (stacks/program.ts), and
 * `npm run preflight -- <stack>` lists them with how to fill each.
 *
 * The mock cloud answers `getCallerIdentity` with the documentation account, so "a placeholder is
 * allowed" means exactly "this is the example account", wherever the program runs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import { PROJECT } from "./config";

/** AWS's documentation account id: the mock cloud's account, and no deployer's. */
export const EXAMPLE_ACCOUNT_ID = "123456789012";
/** The Pulumi organisation the committed stack files name. */
export const EXAMPLE_ORGANIZATION = "acme-markets";
/** The AMI ids the mock cloud's public SSM parameters answer with (arm64, x86_64). */
export const EXAMPLE_AMI_IDS = ["ami-0a1b2c3d4e5f60718", "ami-0f9e8d7c6b5a40312"] as const;

export interface Placeholder {
  /** The qualified config key, e.g. trading-platform:clusterAmiId (with [i] for a list element). */
  key: string;
  value: string;
  /** What to put there instead, and how. */
  fix: string;
}

const EXAMPLE_DOMAIN = /(^|[.@/])[a-z0-9-]+\.example(\b|$)/i;

/** How to fill each key that can hold an example value. */
const FIXES: Record<string, string> = {
  clusterAmiId: "run `npm run ami:latest -- <stack>` (pins the current Amazon Linux 2023 AMI from AWS's public SSM parameter)",
  clusterCertificateArn: "an issued ACM certificate of this account in the stack's region, for the API's name (ACM console or `aws acm request-certificate`)",
  dnsHostedZoneId: "your Route 53 public hosted zone id (`aws route53 list-hosted-zones`), or remove it together with dnsApiDomainName",
  dnsApiDomainName: "the API's name in your hosted zone, or remove it together with dnsHostedZoneId",
  alarmEmailAddresses: "the addresses to page (each confirms AWS's subscription e-mail once)",
  alarmHttpsEndpoints: "your paging or chat webhook URLs",
  alarmTopicArn: "an SNS topic of this account and region, or remove it to let the stack create one",
  primaryStack: "<your Pulumi organisation>/trading-platform/<primary stack> (`pulumi org get-default`)",
  authExternalIssuer: "your issuer's iss URL",
  authExternalJwksUrl: "your issuer's JWKS URL",
  authExternalTokenEndpoint: "your issuer's token endpoint URL",
};

function fixFor(key: string): string {
  return FIXES[key] ?? "a value of your own account";
}

function exampleReason(key: string, value: string): boolean {
  if (key === "clusterAmiId") return (EXAMPLE_AMI_IDS as readonly string[]).includes(value);
  if (key === "primaryStack") return value.split("/")[0] === EXAMPLE_ORGANIZATION;
  if (key === "dnsHostedZoneId") return /EXAMPLE/.test(value);
  return value.includes(`:${EXAMPLE_ACCOUNT_ID}:`) || EXAMPLE_DOMAIN.test(value);
}

/** Every example value left in a stack's configuration, in key order. */
export function findPlaceholders(config: StackConfig): Placeholder[] {
  const found: Placeholder[] = [];
  for (const [key, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    const values = typeof value === "string" ? [[key, value]] : Array.isArray(value) ? value.map((v, i) => [`${key}[${i}]`, v]) : [];
    for (const [where, text] of values) {
      if (typeof text === "string" && exampleReason(key, text)) {
        found.push({ key: `${PROJECT}:${where}`, value: text, fix: fixFor(key).replace("<stack>", config.stack) });
      }
    }
  }
  return found;
}

/** The message a real deploy stops with: one line per placeholder, what to put there. */
export function placeholderMessage(stack: string, account: string, placeholders: Placeholder[]): string {
  return (
    `Stack "${stack}" (Pulumi.${stack}.yaml) still holds example values, and account ${account} is not the example account; nothing was deployed:\n` +
    placeholders.map((p) => `  - ${p.key}: "${p.value}" is an example; ${p.fix}`).join("\n") +
    `\nReplace them (\`pulumi config set\` or the stack file; \`npm run preflight -- ${stack}\` lists everything a first deploy needs) and run again.`
  );
}

/** A real deploy that still holds example values. Pulumi prints a RunError without a stack trace. */
export class PlaceholderError extends pulumi.RunError {
  constructor(stack: string, account: string, readonly placeholders: Placeholder[]) {
    super(placeholderMessage(stack, account, placeholders));
    this.name = "PlaceholderError";
  }
}

/**
 * Refuses to go on when `account` is a real one and the configuration still holds example values.
 * The example account (the mock cloud) plans them as committed.
 */
export function refusePlaceholders(config: StackConfig, account: string): void {
  if (account === EXAMPLE_ACCOUNT_ID) return;
  const placeholders = findPlaceholders(config);
  if (placeholders.length > 0) throw new PlaceholderError(config.stack, account, placeholders);
}
