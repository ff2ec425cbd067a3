// Runs in every e2e spec (jest.e2e.config.mjs, setupFilesAfterEnv): a test whose requests got an answer
// the gateway's OpenAPI document does not allow fails, naming each answer and what is wrong with it.
import { afterAll, afterEach } from '@jest/globals';
import { takeViolations } from './openapi-conformance.js';

function failOnViolations(when: string): void {
  const found = takeViolations();
  if (found.length === 0) return;
  throw new Error(`${found.length} answer(s) ${when} break the gateway's OpenAPI document:\n- ${found.join('\n- ')}`);
}

afterEach(() => failOnViolations('of this test (or of the hooks before it)'));
afterAll(() => failOnViolations('of the hooks after the last test'));
