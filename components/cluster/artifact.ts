/**
 * The trading API as a deployable artifact: one CommonJS file bundled with esbuild's JS API when the
 * program runs, so `pulumi up` ships exactly the source in the working tree (no build step to
 * forget), and its content hash names the S3 object so that a changed service changes the user data
 * and so the launch template version.
 */
import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { cachedBundleSync, CacheableOptions, builtBundle, nodeBundleOptions } from "../shared/bundleCache";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The service's process entry point. */
export const TRADING_API_ENTRY = path.join(REPO_ROOT, "services", "trading-api", "src", "main.ts");

/**
 * The Node.js major the instances install from AL2023's packages and the bundle targets: AL2023
 * ships Node.js 20, 22 and 24 as namespaced packages `nodejs{MAJOR}` whose binary is
 * `/usr/bin/node-{MAJOR}`, so the service runs on this major whatever `alternatives` points `node`
 * at ("Node.js in AL2023", https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html). 24 is the
 * active LTS, the Lambda runtime's (nodejs24.x) and the one CI tests on.
 */
export const NODE_MAJOR = 24;

export interface ServiceArtifact {
  /** The bundled JavaScript. */
  readonly code: string;
  /** Hex SHA-256 of `code`: names the S3 object and is verified on the instance before it runs. */
  readonly sha256: string;
}

/** An artifact from code already in hand (tests, or a prebuilt bundle). */
export function artifactFromCode(code: string): ServiceArtifact {
  return { code, sha256: createHash("sha256").update(code).digest("hex") };
}

const bundles = new Map<string, ServiceArtifact>();

/** The esbuild options of the service's bundle (exported so tests can build it without the cache). */
export function serviceBuildOptions(entry: string = TRADING_API_ENTRY): CacheableOptions {
  return nodeBundleOptions(entry, `node${NODE_MAJOR}`);
}

/**
 * Bundles `entry` and everything it imports (AWS SDK, DAX client, Fastify) into one file for
 * {@link NODE_MAJOR}. Synchronous so the object key is known when the component is constructed;
 * memoised per entry because one process (a `pulumi up`, or the test suite) bundles it once, and
 * taken from the bundle cache (../shared/bundleCache.ts) when no input changed since a build.
 * Build errors throw with esbuild's messages, so a broken service stops the deployment.
 */
export function bundleService(entry: string = TRADING_API_ENTRY): ServiceArtifact {
  const cached = bundles.get(entry);
  if (cached) {
    return cached;
  }
  const code = cachedBundleSync(serviceBuildOptions(entry), (options) => builtBundle(entry, buildSync(options)));
  const artifact = artifactFromCode(code);
  bundles.set(entry, artifact);
  return artifact;
}

/** The S3 key of an artifact: content-addressed, so every change is a new object and a new key. */
export function artifactKey(artifact: ServiceArtifact): string {
  return `trading-api/${artifact.sha256}/main.js`;
}
