/**
 * A content-addressed disk cache for the esbuild bundles the program builds when it runs (the
 * trading API, components/cluster/artifact.ts; the Lambda handlers, components/dynamo/bundle.ts).
 * Each process (a `pulumi up`, a plan, a test run) otherwise bundles ~2,500 modules again, about a
 * second of esbuild's time, to produce the same bytes as last time.
 *
 * An entry is found by a key over everything that decides the output other than the sources: the
 * esbuild version, the build options, and the lock file and tsconfig.json (a dependency installed or
 * a resolution setting changed). It records every input file esbuild read (its metafile) with the
 * SHA-256 of its content; it is used only when every one of them still has that content, and the
 * output read back still has the SHA-256 it was stored with. So a cached bundle is the bundle a build
 * would produce now, byte for byte, unless a new file changes how an unchanged import resolves
 * without the lock file changing (e.g. adding `x.ts` beside an `x/index.ts` an import resolved to);
 * `TRADING_BUNDLE_CACHE=off` turns the cache off.
 *
 * Safe under concurrency (parallel test processes, a plan beside a `pulumi up`): files are written
 * to a unique temporary name and renamed into place, which is atomic on one file system, so a
 * reader sees a whole file or none; two writers of one key write the same bytes.
 */
import type { BuildOptions, Metafile } from "esbuild";
import { version as esbuildVersion } from "esbuild";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Files outside the metafile's inputs that decide resolution: a change to either invalidates every entry. */
const KEY_FILES = ["package-lock.json", "tsconfig.json"];

/** The options this cache accepts: one entry point, output kept in memory, inputs under absWorkingDir. */
export type CacheableOptions = BuildOptions & { entryPoints: [string]; absWorkingDir: string; write: false };

/**
 * The options of every bundle the program deploys: `entry` and everything it imports as one
 * CommonJS file for Node `target`, built from the repo root so the output does not depend on where
 * `pulumi` runs; whitespace and syntax minified only, so identifiers (and the stack traces in the
 * logs) stay readable.
 */
export function nodeBundleOptions(entry: string, target: string): CacheableOptions {
  return {
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: "node",
    format: "cjs",
    target,
    write: false,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "silent",
  };
}

interface Manifest {
  /** Input path (relative to absWorkingDir, as esbuild's metafile names it) to the SHA-256 of its content. */
  inputs: Record<string, string>;
  /** SHA-256 of the output, which is also its file name in the cache. */
  output: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The cache folder, or undefined when the cache is off. */
export function bundleCacheDir(): string | undefined {
  const setting = process.env.TRADING_BUNDLE_CACHE;
  if (setting === "off") {
    return undefined;
  }
  return setting && setting.length > 0 ? path.resolve(setting) : path.join(REPO_ROOT, "node_modules", ".cache", "trading-platform", "esbuild");
}

function fileHash(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined; // deleted or unreadable: the entry does not match
  }
}

/** The key of a build: esbuild's version, the options (the entry included) and the key files' contents. */
export function bundleKey(options: CacheableOptions): string {
  const keyFiles = KEY_FILES.map((f) => `${f}:${fileHash(path.join(REPO_ROOT, f)) ?? "absent"}`);
  return sha256(JSON.stringify({ esbuild: esbuildVersion, options, keyFiles }));
}

/** Writes `data` to `file` through a unique temporary file and a rename, so no reader sees part of it. */
function writeAtomically(file: string, data: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}

/** The cached output for `key` if every recorded input still has its recorded content; else undefined. */
function lookup(dir: string, key: string, absWorkingDir: string): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  for (const [input, hash] of Object.entries(manifest.inputs)) {
    if (fileHash(path.resolve(absWorkingDir, input)) !== hash) {
      return undefined;
    }
  }
  let code: string;
  try {
    code = fs.readFileSync(path.join(dir, `${manifest.output}.js`), "utf8");
  } catch {
    return undefined;
  }
  return sha256(code) === manifest.output ? code : undefined;
}

/**
 * Records a build's output under `key`. A failure to write (read-only checkout, full disk) costs the
 * next process a build, never this one its bundle, so it is swallowed. Inputs are hashed after the
 * build and compared by size with what esbuild read (the metafile's bytes), so a file saved while
 * esbuild ran is not recorded against the old output unless the edit kept its size exactly.
 */
function store(dir: string, key: string, absWorkingDir: string, code: string, metafile: Metafile): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const inputs: Record<string, string> = {};
    for (const [input, { bytes }] of Object.entries(metafile.inputs)) {
      let content: Buffer;
      try {
        content = fs.readFileSync(path.resolve(absWorkingDir, input));
      } catch {
        return; // an input vanished during the build: nothing trustworthy to record
      }
      if (content.length !== bytes) {
        return; // changed since esbuild read it: the output is not of this content
      }
      inputs[input] = sha256(content);
    }
    const output = sha256(code);
    writeAtomically(path.join(dir, `${output}.js`), code);
    writeAtomically(path.join(dir, `${key}.json`), JSON.stringify({ inputs, output } satisfies Manifest));
    prune(dir);
  } catch {
    // see above
  }
}

/** Entries are not refreshed on use, so one unused for a week is rebuilt once: the folder stays small. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** Removes files written more than MAX_AGE_MS ago (a reader holding one open still reads it whole). */
function prune(dir: string): void {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > MAX_AGE_MS) {
        fs.rmSync(file, { force: true });
      }
    } catch {
      // removed by another process meanwhile
    }
  }
}

/** What a build hands the cache: its single output file's text and the metafile listing its inputs. */
export interface BuiltBundle {
  code: string;
  metafile: Metafile;
}

/** The text of a build's single output file, or an error naming the entry. */
export function outputText(entry: string, result: { outputFiles?: { text: string }[] }): string {
  if (result.outputFiles?.length !== 1) {
    throw new Error(`bundling ${entry} produced ${result.outputFiles?.length ?? 0} files, expected 1`);
  }
  return result.outputFiles[0].text;
}

/** A build result (with `metafile: true`) as the cache takes it. */
export function builtBundle(entry: string, result: { outputFiles?: { text: string }[]; metafile?: Metafile }): BuiltBundle {
  if (!result.metafile) {
    throw new Error(`bundling ${entry} returned no metafile, which the bundle cache needs`);
  }
  return { code: outputText(entry, result), metafile: result.metafile };
}

/** The bundle of `options`, from the cache when it holds this build, else from `build` (then stored). Synchronous. */
export function cachedBundleSync(options: CacheableOptions, build: (options: CacheableOptions & { metafile: true }) => BuiltBundle): string {
  const dir = bundleCacheDir();
  const key = dir ? bundleKey(options) : "";
  const hit = dir ? lookup(dir, key, options.absWorkingDir) : undefined;
  if (hit !== undefined) {
    return hit;
  }
  const built = build({ ...options, metafile: true });
  if (dir) {
    store(dir, key, options.absWorkingDir, built.code, built.metafile);
  }
  return built.code;
}

/** As {@link cachedBundleSync}, for esbuild's asynchronous build. */
export async function cachedBundle(
  options: CacheableOptions,
  build: (options: CacheableOptions & { metafile: true }) => Promise<BuiltBundle>,
): Promise<string> {
  const dir = bundleCacheDir();
  const key = dir ? bundleKey(options) : "";
  const hit = dir ? lookup(dir, key, options.absWorkingDir) : undefined;
  if (hit !== undefined) {
    return hit;
  }
  const built = await build({ ...options, metafile: true });
  if (dir) {
    store(dir, key, options.absWorkingDir, built.code, built.metafile);
  }
  return built.code;
}
