// Flat config: typescript-eslint's strict rules over every TypeScript source in the repo, and the
// layering of DESIGN.md (which top-level folder may import which) enforced by import-x's
// no-restricted-paths, which resolves each import to a file before it compares folders.
import eslint from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/** A zone: files under `target` may not import files under any of `from` (except `except`, relative to from). */
const forbid = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

/** The layering rules; exported so the fixture test can name them. */
export const layeringZones = [
  forbid("./components", ["./stacks", "./offline", "./policy", "./tests", "./bench"],
    "components are reusable: they import only components and the services' shared contract"),
  forbid("./components", "./services",
    "components may import only the services' shared contract (table schema, API, auth and metrics contracts, stream filter, reference-data migrations)",
    ["./table", "./trading-api/src/contract.ts", "./trading-api/src/authContract.ts", "./trading-api/src/metricsContract.ts", "./stream-processor/src/filter.ts", "./reference-data/contract.ts"]),
  forbid("./policy", ["./stacks", "./offline", "./components", "./services", "./tests", "./bench"],
    "policy packs are self-contained: they import only policy/"),
  forbid("./services", ["./components", "./stacks", "./policy", "./offline", "./tests", "./bench"],
    "services are deployed on their own: they import only services/"),
  forbid("./stacks", ["./offline", "./policy", "./tests", "./bench"],
    "stacks are what pulumi up runs: they import components and services only"),
  forbid("./offline", ["./tests", "./bench"], "the offline toolchain must not depend on tests or benchmarks"),
  forbid("./examples", ["./offline", "./policy", "./tests", "./bench"],
    "examples are Pulumi projects of their own: they import components, stacks and services only"),
];

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", ".tools/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json", ".node"] })] },
    rules: { "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: layeringZones }] },
  },
  {
    // Chai's property assertions (`expect(x).to.be.true`) read as unused expressions.
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
);
