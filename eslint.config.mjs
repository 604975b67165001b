// Flat config: typescript-eslint's strict rules over every TypeScript source in the repo.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
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
    // Chai's property assertions (`expect(x).to.be.true`) read as unused expressions.
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
);
