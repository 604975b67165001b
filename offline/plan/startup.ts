/**
 * Process settings of the plan CLI that must take effect before any other module loads: main.ts
 * (and bench/plan.ts) import this module first, and imports run in order.
 *
 * - Source maps off. tsx turns them on; then Node reads an inline source map for every module tsx
 *   transpiles as it loads, and maps every frame of every stack trace formatted, and the Pulumi SDK
 *   formats one for each promise it tracks (`new Error().stack` in runtime/debuggable.js, thousands
 *   per stack, short ones: offline/cloud/shortStacks.ts). Measured with `node --cpu-prof`: about a
 *   quarter of a cold `--all`'s CPU. Off, a crash's stack names the transpiled line (and program runs
 *   keep no frames, plan.ts); `node --enable-source-maps` (or in NODE_OPTIONS) keeps them on.
 * - V8's compile cache on (`module.enableCompileCache`, Node.js 22.1+): the code compiled for each
 *   module (@pulumi/aws's thousands of files, the program as tsx emits it) is kept in the OS temp
 *   folder and reused while the module's source is unchanged. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 * - The TypeScript compiler loaded when first used, not with the Pulumi SDK. The SDK loads it (9 MB,
 *   about 0.3 s of CPU even compile-cached) at start-up for closure serialisation (dynamic providers,
 *   callback functions), which no stack uses; a stand-in for the SDK's `typescript-shim` module loads
 *   the real compiler on its first property read, so code that does use it gets the same module.
 */
import Module, { createRequire, enableCompileCache } from "node:module";

const requireHere = createRequire(__filename);

const asked = (flag: string) => process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? "").split(/\s+/).includes(flag);

/** Registers the lazy stand-in for @pulumi/pulumi's typescript-shim; does nothing where its layout differs. */
function deferTypeScript(): void {
  let shim: string;
  let compiler: string;
  try {
    shim = requireHere.resolve("@pulumi/pulumi/typescript-shim");
    // The shim's own first choice; where it would fall back to its vendored copy, leave it be.
    compiler = createRequire(shim).resolve("typescript");
  } catch {
    return;
  }
  if (requireHere.cache[shim]) {
    return;
  }
  let real: object | undefined;
  const load = (): object => (real ??= requireHere(compiler) as object);
  const standIn = new Module(shim);
  standIn.filename = shim;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get: (_, property) => Reflect.get(load(), property) as unknown,
      has: (_, property) => Reflect.has(load(), property),
    },
  );
  requireHere.cache[shim] = standIn;
}

if (!asked("--enable-source-maps")) {
  process.setSourceMapsEnabled(false);
}
enableCompileCache();
deferTypeScript();
