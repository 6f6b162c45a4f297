// A writer process is killed with SIGKILL in the middle of its write loop, five times over; after
// each kill the store must be intact, hold only whole transactions, and have kept every
// transaction the writer saw commit.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStateStore } from '../../src/state/index.js';
import type { StateStoreConfig } from '../../src/state/index.js';
import { skipUnless } from '../helpers/services.js';
import { dropSchema, postgresConfig, startFixture, tempDir, uniqueSchema } from './fixtures/state-fixtures.js';
import { join } from 'node:path';

const skipPostgres = await skipUnless('postgres');
const batchSize = 25;
const rounds = 5;
// Commits to wait for in each round before killing, so every round adds work.
const commitsBeforeKill = 20;

async function killRounds(config: StateStoreConfig): Promise<void> {
  let previousTotal = 0;
  for (let round = 1; round <= rounds; round++) {
    const writer = startFixture('crash-writer.ts', [JSON.stringify(config), String(batchSize)]);
    let commitsThisRound = 0;
    await writer.waitForLine((line) => line.startsWith('committed ') && ++commitsThisRound >= commitsBeforeKill);
    writer.kill('SIGKILL');
    const { signal, stderr } = await writer.exited;
    assert.equal(signal, 'SIGKILL', `round ${round}: the writer should still have been looping, but ended on its own:\n${stderr}`);
    const reported = writer.lines.filter((line) => line.startsWith('committed ')).map((line) => Number(line.slice(10)));
    const lastReported = reported.at(-1)!;

    const store = await openStateStore(config);
    try {
      if (store.kind === 'sqlite') {
        assert.deepEqual(await store.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }], `round ${round}`);
      }
      const counter = (await store.get<{ total: number }>('SELECT total FROM crash_counter WHERE id = 1'))!.total;
      const rows = (await store.get<{ n: number }>('SELECT COUNT(*) AS n FROM crash_rows'))!.n;
      const partialBatches = await store.all('SELECT batch, COUNT(*) AS n FROM crash_rows GROUP BY batch HAVING COUNT(*) <> ?', [batchSize]);
      const batches = (await store.get<{ n: number; top: number }>('SELECT COUNT(DISTINCT batch) AS n, MAX(batch) AS top FROM crash_rows'))!;
      const runs = (await store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM runs WHERE command = 'crash-writer' AND status = 'success'`))!.n;

      assert.deepEqual(partialBatches, [], `round ${round}: every batch is whole`);
      assert.equal(rows % batchSize, 0, `round ${round}: row count is a multiple of the batch size`);
      assert.equal(rows, counter, `round ${round}: counter matches the rows`);
      assert.equal(batches.n, counter / batchSize, `round ${round}: batches are numbered without gaps`);
      assert.equal(batches.top, counter / batchSize - 1);
      assert.equal(runs, counter / batchSize, `round ${round}: one run per committed transaction`);
      // The writer prints after COMMIT returns, so at most one commit can be missing from its output.
      assert.ok(
        counter === lastReported || counter === lastReported + batchSize,
        `round ${round}: counter ${counter} should be the last reported commit ${lastReported} (or one batch more)`,
      );
      assert.ok(counter >= previousTotal + commitsBeforeKill * batchSize, `round ${round}: this round's writes are kept`);
      previousTotal = counter;
    } finally {
      await store.close();
    }
  }
}

describe('state store survives SIGKILL mid-write', () => {
  it('sqlite: five kills leave an intact database with only whole transactions', async () => {
    const temp = tempDir('crash');
    try {
      await killRounds({ type: 'sqlite', path: join(temp.dir, '.strata', 'state.db') });
    } finally {
      temp.remove();
    }
  });

  describe('postgres', { skip: skipPostgres }, () => {
    const schema = uniqueSchema('crash');
    after(() => dropSchema(schema));

    it('five kills leave only whole transactions', async () => {
      await killRounds(postgresConfig(schema));
    });
  });
});
