import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DemoDataset } from './types.js';

/** Files this writer owns; anything else in the directory is left alone. */
const DOCUMENT_FILE = /^doc_\d+\.md$/;
const TEMPORARY_FILE = /^\.doc_\d+\.md\.tmp$/;

/**
 * Write the latest version of every document that is not deleted to `<dir>/<doc_id>.md`, with
 * YAML front matter (doc_id, tenant_id, version, title, category, updated_at). Files from earlier
 * runs whose document is now deleted or gone are removed, so the folder mirrors the dataset.
 * Each file is written under a temporary name and renamed, so readers never see half a file.
 * Returns how many documents were written.
 */
export async function writeDemoDocuments(dir: string, dataset: DemoDataset): Promise<number> {
  await mkdir(dir, { recursive: true });
  const current = dataset.documents.filter((doc) => doc.isLatest && doc.deletedAt === null);
  const wanted = new Set(current.map((doc) => `${doc.docId}.md`));
  for (const entry of await readdir(dir)) {
    if ((DOCUMENT_FILE.test(entry) && !wanted.has(entry)) || TEMPORARY_FILE.test(entry)) await rm(join(dir, entry), { force: true });
  }
  for (const doc of current) {
    const frontMatter = stringify(
      {
        doc_id: doc.docId,
        tenant_id: doc.tenantId,
        version: doc.version,
        title: doc.title,
        category: doc.category,
        updated_at: doc.updatedAt,
      },
      { lineWidth: 0 },
    );
    const temporary = join(dir, `.${doc.docId}.md.tmp`);
    await writeFile(temporary, `---\n${frontMatter}---\n\n${doc.body}`);
    await rename(temporary, join(dir, `${doc.docId}.md`));
  }
  return current.length;
}
