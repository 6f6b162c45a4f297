import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Compares user-facing text with a reviewed file in a `golden/` folder beside the test.
 * UPDATE_GOLDEN=1 rewrites the files; reviewers read the diff.
 */
export function assertGolden(testFileUrl: string, name: string, actual: string): void {
  const file = join(dirname(new URL(testFileUrl).pathname), 'golden', `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI && !existsSync(file)) assert.fail(`golden file ${file} is missing; run UPDATE_GOLDEN=1 locally and commit it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`);
}
