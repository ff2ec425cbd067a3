import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/** An ESLint that parses TypeScript fixtures and runs only the given plugin rules (the rule specs' fixtures). */
export const fixtureLinter = (plugins: Record<string, ESLint.Plugin>, rules: Linter.RulesRecord) =>
  new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins, rules }],
  });
