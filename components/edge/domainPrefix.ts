/**
 * Cognito prefix domains: what Cognito accepts as a prefix, and the default prefix of a stack.
 * Pure functions, unit tested without Pulumi.
 *
 * A prefix domain is `<prefix>.auth.<region>.amazoncognito.com`, one namespace for every AWS
 * account in the region ("Using the Amazon Cognito prefix domain for managed login",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html):
 * a prefix such as `trading-dev` is held by whoever asked first, and CreateUserPoolDomain then
 * fails the first `pulumi up` with "Domain already exists".
 */
import { createHash } from "node:crypto";

/**
 * CreateUserPoolDomain's Domain: "Length Constraints: Minimum length of 1. Maximum length of 63",
 * "Pattern: ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$"
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html).
 */
export const DOMAIN_PREFIX_MAX = 63;
const PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Words a prefix may not contain: "You can't use the text aws, amazon, or cognito in the domain
 * prefix" (Amazon Cognito Developer Guide, the prefix domain page above).
 */
export const RESERVED_WORDS = ["aws", "amazon", "cognito"] as const;

/** What a prefix must be, for error messages. */
export const DOMAIN_PREFIX_RULE = `1-${DOMAIN_PREFIX_MAX} lower-case letters, digits and hyphens, not starting or ending with a hyphen, without ${RESERVED_WORDS.join(", ")}`;

/** Why Cognito would refuse `prefix`, or undefined when it is usable. */
export function domainPrefixProblem(prefix: string): string | undefined {
  if (prefix.length < 1 || prefix.length > DOMAIN_PREFIX_MAX) return `it is ${prefix.length} characters`;
  if (/[^a-z0-9-]/.test(prefix)) return `it contains ${JSON.stringify(prefix.replace(/[a-z0-9-]/g, "").slice(0, 8))}`;
  if (!PATTERN.test(prefix)) return "it starts or ends with a hyphen";
  const word = RESERVED_WORDS.find((w) => prefix.includes(w));
  if (word) return `it contains the reserved word "${word}"`;
  return undefined;
}

/** Hex digits of the default prefix's discriminator: 16^10 values, so two stacks never share one by chance. */
const DISCRIMINATOR_LENGTH = 10;

/**
 * The default prefix of a stack: `trading-<stack>-<discriminator>`, the discriminator a stable hash
 * of account, region and stack. Stable, so every `pulumi up` asks for the same domain (a changed
 * domain is a replacement and a new token endpoint); different for every account, region and
 * stack, so neither another account deploying this program nor a second stack in the account asks
 * for it. A hash rather than the account id itself keeps the account id out of a public DNS name;
 * nobody else can hold the prefix unless they squat it on purpose, which authCognitoDomainPrefix
 * then routes around. A stack name Cognito would refuse in a prefix (a reserved word, characters
 * outside a-z0-9-) is left out, and a long one shortened: the hash alone keeps the prefix unique.
 */
export function defaultDomainPrefix(stack: string, accountId: string, region: string): string {
  const discriminator = createHash("sha256").update(`${accountId}/${region}/${stack}`).digest("hex").slice(0, DISCRIMINATOR_LENGTH);
  const room = DOMAIN_PREFIX_MAX - "trading-".length - 1 - DISCRIMINATOR_LENGTH;
  const part = stack.toLowerCase().slice(0, room).replace(/-+$/, "");
  const withStack = `trading-${part}-${discriminator}`;
  return part !== "" && domainPrefixProblem(withStack) === undefined ? withStack : `trading-${discriminator}`;
}
