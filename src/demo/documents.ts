import type { Account } from './accounts.js';
import { renderDocumentBody } from './document-body.js';
import { DOCUMENT_TOPICS, type DocumentTopic } from './document-topics.js';
import { MS_PER_DAY, type Period } from './period.js';
import { deriveSeed, Random } from './random.js';
import type { DemoDocument } from './types.js';

export const DOCUMENTS_PER_SCALE = 300;
/** Retrieval demos need a corpus even at test scales. */
export const MIN_DOCUMENTS = 50;
/** Share of documents that are public help-center pages; the rest are private to one tenant. */
const PUBLIC_SHARE = 0.6;
/** 1 + Geometric(stop) versions; edits that would fall after the period are dropped, so about a third are edited. */
const VERSION_STOP = 0.55;
const MAX_VERSIONS = 6;
const DELETED_SHARE = 0.08;

/**
 * Support documents with their full version history: public help-center pages (tenant null,
 * one per catalog topic until the catalog runs out) and tenant-private runbooks. Every version
 * is one DemoDocument; only the last has isLatest, and a deleted document carries deletedAt on it.
 * Ids follow the creation time of the first version.
 */
export function generateDocuments(seed: number, scale: number, period: Period, accounts: readonly Account[]): DemoDocument[] {
  const random = new Random(deriveSeed(seed, 'documents'));
  const total = Math.max(MIN_DOCUMENTS, Math.round(DOCUMENTS_PER_SCALE * scale));
  const publicCount = Math.min(DOCUMENT_TOPICS.length, Math.round(total * PUBLIC_SHARE));
  const span = period.endMs - period.startMs;

  // A fixed shuffle of the catalog, so small scales still cover every category.
  const topics = [...DOCUMENT_TOPICS];
  for (let i = topics.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [topics[i], topics[j]] = [topics[j]!, topics[i]!];
  }
  // Private documents belong to accounts that existed at least a week before the end.
  const eligibleAccounts = accounts.filter((a) => a.createdAt < period.endMs - 7 * MS_PER_DAY);

  const drafts: { firstAt: number; draw: number; versions: Omit<DemoDocument, 'docId'>[] }[] = [];
  for (let draw = 0; draw < total; draw++) {
    const isPublic = draw < publicCount || eligibleAccounts.length === 0;
    const account = isPublic ? null : random.pick(eligibleAccounts);
    const topic: DocumentTopic = isPublic
      ? topics[draw % topics.length]!
      : { ...random.pick(DOCUMENT_TOPICS), category: 'runbook' };
    const title = account ? `${account.name} runbook: ${topic.title}` : topic.title;

    const earliest = account ? account.createdAt + MS_PER_DAY : period.startMs;
    const latest = account ? period.endMs - 2 * MS_PER_DAY : period.startMs + Math.floor(span * 0.6);
    const firstAt = earliest + Math.floor(random.float() * Math.max(0, latest - earliest) / 1000) * 1000;

    const wantedVersions = random.geometric(VERSION_STOP, MAX_VERSIONS);
    const times = [firstAt];
    while (times.length < wantedVersions) {
      const next = times[times.length - 1]! + random.int(7 * 86400, 120 * 86400) * 1000;
      if (next >= period.endMs) break;
      times.push(next);
    }
    const lastAt = times[times.length - 1]!;
    const deletedAtMs = random.chance(DELETED_SHARE) ? lastAt + random.int(86400, 90 * 86400) * 1000 : null;
    const deletedAt = deletedAtMs !== null && deletedAtMs < period.endMs ? period.formatTimestamp(deletedAtMs) : null;

    const dates = times.map((t) => period.formatTimestamp(t).slice(0, 10));
    const versions = times.map((t, i) => {
      const isLatest = i === times.length - 1;
      return {
        tenantId: account?.tenantId ?? null,
        version: i + 1,
        title,
        body: renderDocumentBody(random, {
          topic: { ...topic, title },
          version: i + 1,
          versionDates: dates.slice(0, i + 1),
          tenant: account ? { tenantId: account.tenantId, accountName: account.name, domain: account.domain } : null,
        }),
        updatedAt: period.formatTimestamp(t),
        deletedAt: isLatest ? deletedAt : null,
        isLatest,
        category: topic.category,
      };
    });
    drafts.push({ firstAt, draw, versions });
  }
  drafts.sort((a, b) => a.firstAt - b.firstAt || a.draw - b.draw);

  const width = Math.max(4, String(total).length);
  return drafts.flatMap((draft, index) => {
    const docId = `doc_${String(index + 1).padStart(width, '0')}`;
    return draft.versions.map((version) => Object.freeze({ docId, ...version }));
  });
}
