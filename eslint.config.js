import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/.turbo/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "no-console": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/only-throw-error": "off",
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read the environment only in an app's src/env.ts" }],
    },
  },
  { files: ["**/src/env.ts", "**/src/scripts/**", "**/*.test.ts", "**/src/test-support/**", "packages/testing/**", "packages/bench/**", "infra/**", "**/src/examples/**"], rules: { "no-restricted-properties": "off", "no-console": "off" } },
  // Test state comes from `test.extend` fixtures (docs/CONVENTIONS.md), not hooks filling module-level variables.
  {
    files: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "vitest", importNames: ["beforeAll", "afterAll"], message: "Use a file-scoped test.extend fixture (dbTest, natsTest, … in @spine/testing/fixtures) instead of beforeAll/afterAll." }] },
      ],
    },
  },
);
