import { describe, expect, it } from '@jest/globals';
import type { ESLint } from 'eslint';
import { fixtureLinter } from './fixture-linter.js';
import nx from '@nx/eslint-plugin';
import { loadDepConstraints } from './dep-constraints.js';

// Lint fixtures: imports that must fail (and some that must pass) the layering of ARCHITECTURE.md §1.
// Only the rule is used; the plugin's legacy config presets do not fit ESLint's flat types.
const eslint = fixtureLinter(
  { '@nx': { rules: nx.rules } as unknown as ESLint.Plugin },
  { '@nx/enforce-module-boundaries': ['error', { depConstraints: await loadDepConstraints() }] },
);

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('Nx module boundaries', () => {
  it.each([
    ['an app imports another app by package', 'apps/reporting/src/fixture.ts', "import '@pb/app-org-registry';"],
    [
      'an app imports another app by path',
      'apps/reporting/src/fixture.ts',
      "import '../../org-registry/src/org-units/org-units.service.js';",
    ],
    ['contracts import messaging', 'libs/contracts/src/fixture.ts', "import '@pb/messaging';"],
    ['contracts import platform', 'libs/contracts/src/fixture.ts', "import '@pb/platform';"],
    ['messaging imports platform', 'libs/messaging/src/fixture.ts', "import '@pb/platform';"],
    ['persistence imports messaging', 'libs/persistence/src/fixture.ts', "import '@pb/messaging';"],
    ['persistence imports platform', 'libs/persistence/src/fixture.ts', "import '@pb/platform';"],
    ['a lib imports an app', 'libs/platform/src/fixture.ts', "import '@pb/app-gateway';"],
  ])('fails when %s', async (_case, file, code) => {
    expect(await boundaryErrors(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'an app imports every lib',
      'apps/reporting/src/fixture.ts',
      "import '@pb/contracts'; import '@pb/messaging'; import '@pb/persistence'; import '@pb/platform';",
    ],
    [
      'platform imports the lower libs',
      'libs/platform/src/fixture.ts',
      "import '@pb/contracts'; import '@pb/messaging'; import '@pb/persistence';",
    ],
    ['messaging imports contracts', 'libs/messaging/src/fixture.ts', "import '@pb/contracts';"],
    ['messaging imports persistence (the lease)', 'libs/messaging/src/fixture.ts', "import '@pb/persistence';"],
  ])('passes when %s', async (_case, file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
