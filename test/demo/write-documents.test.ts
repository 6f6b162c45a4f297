import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateDemoData, writeDemoDocuments } from '../../src/demo/index.js';

describe('writeDemoDocuments', () => {
  it('writes the latest live version of each document with front matter and removes stale files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-demo-docs-'));
    try {
      const dataset = generateDemoData({ seed: 4, scale: 0.01 });
      const live = dataset.documents.filter((d) => d.isLatest && d.deletedAt === null);
      const deleted = dataset.documents.filter((d) => d.isLatest && d.deletedAt !== null);
      assert.ok(deleted.length > 0, 'the fixture has deleted documents');

      // Left over from an earlier run: a document that is now deleted, one that no longer exists,
      // and a file the writer does not own.
      await writeFile(join(dir, `${deleted[0]!.docId}.md`), 'old');
      await writeFile(join(dir, 'doc_9999.md'), 'old');
      await writeFile(join(dir, 'notes.txt'), 'mine');

      const written = await writeDemoDocuments(dir, dataset);
      assert.equal(written, live.length);
      const files = (await readdir(dir)).sort();
      assert.deepEqual(files, [...live.map((d) => `${d.docId}.md`), 'notes.txt'].sort());

      const doc = live.find((d) => d.version > 1) ?? live[0]!;
      const text = await readFile(join(dir, `${doc.docId}.md`), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(text);
      assert.ok(match, 'front matter then body');
      assert.deepEqual(parse(match[1]!), {
        doc_id: doc.docId,
        tenant_id: doc.tenantId,
        version: doc.version,
        title: doc.title,
        category: doc.category,
        updated_at: doc.updatedAt,
      });
      assert.equal(match[2], doc.body);

      // A second run over the same data changes nothing.
      assert.equal(await writeDemoDocuments(dir, dataset), live.length);
      assert.deepEqual((await readdir(dir)).sort(), files);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
