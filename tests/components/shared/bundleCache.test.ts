/**
 * The esbuild bundle cache: a cached bundle is byte for byte the bundle a build makes now, an input
 * changed (or the cached file damaged) means a build, and processes sharing the folder at once leave
 * whole files only.
 */
import { expect } from "chai";
import { build, buildSync } from "esbuild";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { serviceBuildOptions } from "../../../components/cluster/artifact";
import { handlerBuildOptions, STREAM_PROCESSOR_ENTRY } from "../../../components/dynamo/bundle";
import { builtBundle, cachedBundle, cachedBundleSync, CacheableOptions, outputText } from "../../../components/shared/bundleCache";
import { MIGRATION_HANDLER_ENTRY } from "../../../services/reference-data/contract";

const BUNDLE_CACHE_MODULE = path.resolve(__dirname, "../../../components/shared/bundleCache.ts");

/** Runs `fn` with the cache in `dir` (or off), restoring the setting after. */
async function withCacheSetting<T>(setting: string, fn: () => Promise<T> | T): Promise<T> {
  const before = process.env.TRADING_BUNDLE_CACHE;
  process.env.TRADING_BUNDLE_CACHE = setting;
  try {
    return await fn();
  } finally {
    if (before === undefined) {
      delete process.env.TRADING_BUNDLE_CACHE;
    } else {
      process.env.TRADING_BUNDLE_CACHE = before;
    }
  }
}

/** A synchronous build that counts its calls. */
function countingBuild(entry: string) {
  const counter = { builds: 0 };
  const run = (options: CacheableOptions & { metafile: true }) => {
    counter.builds++;
    return builtBundle(entry, buildSync(options));
  };
  return { counter, run };
}

/** A tiny project in a temporary folder: entry.ts imports dep.ts. */
function tinyProject(): { root: string; options: CacheableOptions } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-project-"));
  fs.writeFileSync(path.join(root, "dep.ts"), 'export const greeting: string = "hello";\n');
  fs.writeFileSync(path.join(root, "entry.ts"), 'import { greeting } from "./dep";\nconsole.log(greeting);\n');
  const options: CacheableOptions = {
    entryPoints: [path.join(root, "entry.ts")],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "silent",
  };
  return { root, options };
}

describe("bundle cache (esbuild)", () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-"));
  });
  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("hands back the trading API's bundle byte for byte as an uncached build makes it, from the second build on without building", async () => {
    const options = serviceBuildOptions();
    const uncached = outputText("trading API", buildSync(options));
    const { counter, run } = countingBuild("trading API");
    const first = await withCacheSetting(cacheDir, () => cachedBundleSync(options, run));
    const second = await withCacheSetting(cacheDir, () => cachedBundleSync(options, run));
    expect(counter.builds).to.equal(1);
    expect(first === uncached, "first (built) equals the uncached build").to.equal(true);
    expect(second === uncached, "second (cached) equals the uncached build").to.equal(true);
  });

  it("does the same for both Lambda handlers, through the asynchronous build", async () => {
    for (const entry of [STREAM_PROCESSOR_ENTRY, MIGRATION_HANDLER_ENTRY]) {
      const options = handlerBuildOptions(entry);
      const uncached = outputText(entry, await build(options));
      let builds = 0;
      const run = async (o: CacheableOptions & { metafile: true }) => {
        builds++;
        return builtBundle(entry, await build(o));
      };
      await withCacheSetting(cacheDir, () => cachedBundle(options, run));
      const cached = await withCacheSetting(cacheDir, () => cachedBundle(options, run));
      expect(builds, entry).to.equal(1);
      expect(cached === uncached, entry).to.equal(true);
    }
  });

  it("builds again when an input's content changes, and serves the new bundle after", async () => {
    const { root, options } = tinyProject();
    try {
      const { counter, run } = countingBuild("tiny");
      expect(await withCacheSetting(cacheDir, () => cachedBundleSync(options, run))).to.contain('"hello"');
      fs.writeFileSync(path.join(root, "dep.ts"), 'export const greeting: string = "bye";\n');
      const changed = await withCacheSetting(cacheDir, () => cachedBundleSync(options, run));
      expect(changed).to.contain('"bye"').and.not.contain('"hello"');
      expect(counter.builds).to.equal(2);
      expect(await withCacheSetting(cacheDir, () => cachedBundleSync(options, run))).to.equal(changed);
      expect(counter.builds, "the new content is cached").to.equal(2);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("builds again when the build options change or the cached file is damaged", async () => {
    const { root, options } = tinyProject();
    try {
      const { counter, run } = countingBuild("tiny");
      const plain = await withCacheSetting(cacheDir, () => cachedBundleSync(options, run));
      const minified = await withCacheSetting(cacheDir, () => cachedBundleSync({ ...options, minifyWhitespace: true }, run));
      expect(counter.builds).to.equal(2);
      expect(minified).to.not.equal(plain);
      for (const file of fs.readdirSync(cacheDir).filter((f) => f.endsWith(".js"))) {
        fs.writeFileSync(path.join(cacheDir, file), "damaged");
      }
      expect(await withCacheSetting(cacheDir, () => cachedBundleSync(options, run))).to.equal(plain);
      expect(counter.builds).to.equal(3);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("neither reads nor writes anything when off", async () => {
    const { root, options } = tinyProject();
    try {
      const { counter, run } = countingBuild("tiny");
      await withCacheSetting("off", () => cachedBundleSync(options, run));
      await withCacheSetting("off", () => cachedBundleSync(options, run));
      expect(counter.builds).to.equal(2);
      expect(fs.readdirSync(cacheDir)).to.deep.equal([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("leaves only whole files when several processes fill the same entry at once", async () => {
    const { root, options } = tinyProject();
    try {
      const script = [
        `const { cachedBundleSync, builtBundle } = require(${JSON.stringify(BUNDLE_CACHE_MODULE)});`,
        `const { buildSync } = require("esbuild");`,
        `const options = ${JSON.stringify(options)};`,
        `process.stdout.write(cachedBundleSync(options, (o) => builtBundle("tiny", buildSync(o))));`,
      ].join("\n");
      const runOne = () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
            env: { ...process.env, TRADING_BUNDLE_CACHE: cacheDir },
            cwd: path.resolve(__dirname, "../../.."),
          });
          let out = "";
          child.stdout.on("data", (d: Buffer) => (out += d.toString()));
          child.on("error", reject);
          child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
        });
      const outputs = await Promise.all([runOne(), runOne(), runOne(), runOne()]);
      const expected = outputText("tiny", buildSync(options));
      expect(outputs.every((o) => o === expected)).to.equal(true);
      const files = fs.readdirSync(cacheDir);
      expect(files.filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
      expect(files.filter((f) => f.endsWith(".json"))).to.have.length(1);
      const { counter, run } = countingBuild("tiny");
      expect(await withCacheSetting(cacheDir, () => cachedBundleSync(options, run))).to.equal(expected);
      expect(counter.builds).to.equal(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
