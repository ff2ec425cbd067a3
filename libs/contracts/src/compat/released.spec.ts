import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { EventContracts } from '../registry.js';
import { compareContracts, releasedFileText, releasedForm, type ReleasedContract } from './compat.js';

// The live check: every event schema against its last released version (npm run contracts:release).
const releasedDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'released');
const files = readdirSync(releasedDir).filter((f) => f.endsWith('.json'));
const released = files.map((f) => JSON.parse(readFileSync(path.join(releasedDir, f), 'utf8')) as ReleasedContract);
const report = compareContracts(released, EventContracts.map(releasedForm));
const messages = (type?: string, rule?: string) =>
  report.breaking.filter((f) => (!type || f.type === type) && (!rule || f.rule === rule)).map((f) => f.message);

describe('event schemas against their last release (libs/contracts/released)', () => {
  for (const c of EventContracts) {
    it(`${c.type} keeps every consumer of its released schema working`, () => {
      expect(messages(c.type)).toEqual([]);
    });
  }

  // A type is published with its schema released: consumers and the check above need it. A new type
  // fails here until `npm run contracts:release` records it (and the release refuses a breaking change).
  it('has a released schema for every published event type', () => {
    const unreleased = EventContracts.filter((c) => !released.some((r) => r.type === c.type)).map((c) => c.type);
    expect(unreleased).toEqual([]);
  });

  it('still publishes every released type (a .v2 comes beside its .v1, not instead)', () => {
    expect(messages(undefined, 'removed-type')).toEqual([]);
  });

  it.each(files)('%s is named after its type and as npm run contracts:release writes it', (file) => {
    const text = readFileSync(path.join(releasedDir, file), 'utf8');
    const r = JSON.parse(text) as ReleasedContract;
    expect(file).toBe(`${r.type}.json`);
    expect(text).toBe(releasedFileText(r));
  });
});
