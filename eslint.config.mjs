// ESLint flat config: type-checked TypeScript rules, Nx module boundaries that keep the layering
// (contracts <- messaging, persistence <- platform <- apps; no app imports another app), Prettier last.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { createProjectGraphAsync } from '@nx/devkit';
import routeAuth from './tools/eslint/rules/route-auth.mjs';
import orgOwned from './tools/eslint/rules/org-owned.mjs';

const pb = { rules: { ...routeAuth.rules, ...orgOwned.rules } };

// The boundary rule reads Nx's cached project graph and silently skips itself without one: make
// sure it exists (and is current) before any file is linted.
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: true });

export const depConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:contracts', 'type:persistence'] },
  { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:messaging', 'type:persistence'] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:messaging', 'type:persistence', 'type:platform', 'type:testing'],
  },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:messaging', 'type:persistence', 'type:platform'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:infra'] },
  { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:infra'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: [] },
];

/** Org-owned mongoose models (their name constants): reachable only through `@InjectScopedModel` (docs/adr/0012). */
export const ORG_OWNED_MODELS = [
  'HALF_MONTH_REPORT_MODEL',
  'REPORT_HISTORY_MODEL',
  'ACCOUNT_MODEL',
  'API_KEY_MODEL',
  'AUDIT_ENTRY_MODEL',
  'ORG_UNIT_MODEL',
  'PARTY_ORG_MODEL',
  'MEMBER_MODEL',
  'ASSESSMENT_MODEL',
  'NOMINATION_MODEL',
  'INSPECTION_MODEL',
  'RECTIFICATION_MODEL',
  // training (docs/adr/0019)
  'TEACHER_MODEL',
  'PROGRAMME_MODEL',
  'ENROLMENT_MODEL',
];

/** Org-owned native driver collections (names and their constants): opened only as a `ScopedCollection` (docs/adr/0012). */
export const ORG_OWNED_COLLECTIONS = ['C.deliveries', 'C.log', 'deliveries', 'delivery_log'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.local/**', '.nx/**', 'coverage/**', 'tools/lint-fixtures/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          banTransitiveDependencies: false,
          // npm start loads the built platform lib's token signer at run time, on purpose.
          checkDynamicDependenciesExceptions: ['platform'],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Every HTTP route is @Public() or declares its @Roles() (docs/adr/0007).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    plugins: { pb },
    rules: { 'pb/route-auth': 'error' },
  },
  {
    // Org-owned collections only through their ScopedModel (docs/adr/0012): the model names registered here.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
    plugins: { pb },
    rules: { 'pb/org-owned': ['error', { models: ORG_OWNED_MODELS, collections: ORG_OWNED_COLLECTIONS }] },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
    // Tests read JSON responses and assert their shape with expect(); typing every body adds nothing.
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // libs/testing is test support (it has no build): apps may import it from their specs only.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@pb/testing', message: 'Test support: import it from specs only.' }] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        globalThis: 'readonly',
        TextEncoder: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },
  prettier,
);
