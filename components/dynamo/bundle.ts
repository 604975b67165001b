/**
 * Bundles a Lambda handler written in TypeScript into one CommonJS file with esbuild's JS API, at
 * program run time, so `pulumi up` deploys exactly the source in the working tree (no separate build
 * step to forget) and a preview shows a code change as a diff of the function's archive.
 */
import { build } from "esbuild";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { cachedBundle, CacheableOptions, builtBundle, nodeBundleOptions } from "../shared/bundleCache";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The stream processor's handler module (exports `handler`). */
export const STREAM_PROCESSOR_ENTRY = path.join(REPO_ROOT, "services", "stream-processor", "src", "handler.ts");

/** esbuild's name for the Lambda runtime's Node.js major version (nodejs24.x). */
export const BUNDLE_TARGET = "node24";

const bundles = new Map<string, Promise<string>>();

/** The esbuild options of a handler's bundle (exported so tests can build it without the cache). */
export function handlerBuildOptions(entry: string): CacheableOptions {
  return nodeBundleOptions(entry, BUNDLE_TARGET);
}

/**
 * The handler and everything it imports (AWS SDK v3 included: the pinned version in package.json,
 * not whatever the runtime ships) as one CommonJS file. The working directory is fixed to the repo
 * root so the output does not depend on where `pulumi` runs. Memoised per entry (a test process that
 * runs several stacks bundles once) and taken from the bundle cache (../shared/bundleCache.ts) when
 * no input changed since a build.
 */
export function bundleHandler(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = cachedBundle(handlerBuildOptions(entry), async (options) => builtBundle(entry, await build(options)));
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** The bundle as a Lambda deployment archive: `index.js`, so the handler setting is `index.handler`. */
export async function handlerArchive(entry: string): Promise<pulumi.asset.AssetArchive> {
  const code = await bundleHandler(entry);
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(code) });
}

/** The Lambda `handler` setting matching {@link handlerArchive}. */
export const ARCHIVE_HANDLER = "index.handler";
