import type { DocumentTopic } from './document-topics.js';
import type { Random } from './random.js';

/** What a body needs besides its topic: which version it is and, for tenant documents, whose. */
export interface DocumentBodyContext {
  readonly topic: DocumentTopic;
  readonly version: number;
  /** 'YYYY-MM-DD' of each version up to this one, oldest first (for the changelog). */
  readonly versionDates: readonly string[];
  readonly tenant: { readonly tenantId: string; readonly accountName: string; readonly domain: string } | null;
}

const CHANGE_NOTES = [
  'Clarified the prerequisites.',
  'Updated screenshots for the new navigation.',
  'Documented the new limits.',
  'Added a troubleshooting section.',
  'Fixed the example request.',
  'Removed steps for the retired settings page.',
  'Added notes for Enterprise workspaces.',
];

/**
 * Markdown with a title, paragraphs, a bulleted and a numbered list, a fenced code block and,
 * from version 2, a changelog. Facts that change between versions (limits, timeouts) are derived
 * from the version number, so retrieval tests can ask which version an answer came from.
 */
export function renderDocumentBody(random: Random, context: DocumentBodyContext): string {
  const { topic, version, tenant } = context;
  const limit = 60 + 40 * (version - 1);
  const timeoutMinutes = 10 + 5 * version;
  const lines: string[] = [`# ${topic.title}`, ''];

  if (tenant) {
    lines.push(
      `This page is private to **${tenant.accountName}** (tenant \`${tenant.tenantId}\`). It records how your workspace is set up so your team and our support engineers work from the same facts.`,
      '',
    );
  }
  lines.push(intro(topic, limit, timeoutMinutes), '');

  lines.push('## Before you begin', '');
  for (const item of prerequisites(topic, random)) lines.push(`- ${item}`);
  lines.push('');

  lines.push('## Steps', '');
  steps(topic, tenant?.domain ?? 'yourcompany.example', timeoutMinutes).forEach((step, i) => lines.push(`${i + 1}. ${step}`));
  lines.push('');

  const example = codeExample(topic, limit, random);
  lines.push('## Example', '', '```' + example.language, ...example.lines, '```', '');

  lines.push('## Limits', '');
  lines.push(`| Setting | Value |`, `| --- | --- |`);
  lines.push(`| Requests per minute | ${limit} |`, `| Sync timeout | ${timeoutMinutes} minutes |`, `| Retention | ${version >= 3 ? 400 : 365} days |`, '');

  if (version > 1) {
    lines.push('## Changelog', '');
    for (let v = version; v >= 2; v--) {
      lines.push(`- **Version ${v}** (${context.versionDates[v - 1]}): ${CHANGE_NOTES[(v * 3 + topic.title.length) % CHANGE_NOTES.length]}`);
    }
    lines.push('');
  }
  lines.push(`> Need more help? Contact support from **Help > Contact us** and mention \`${topic.category}/${slug(topic.title)}\`.`);
  return lines.join('\n') + '\n';
}

function intro(topic: DocumentTopic, limit: number, timeoutMinutes: number): string {
  switch (topic.kind) {
    case 'integration':
      return `Connect ${topic.subject} to bring its records into your workspace. Syncs run every ${timeoutMinutes} minutes and copy only rows that changed since the last run.`;
    case 'sso':
      return `Single sign-on lets your team log in with ${topic.subject}. SSO is available on the Enterprise plan; members are created on first login with the Member role.`;
    case 'api':
      return `The \`${topic.subject}\` endpoint is part of the REST API. Requests are limited to ${limit} per minute per API key; responses are JSON.`;
    case 'report':
      return `You can schedule, filter and export ${topic.subject}. Scheduled runs deliver results by email or Slack and time out after ${timeoutMinutes} minutes.`;
    case 'billing':
      return `${topic.subject}: how billing works for your workspace. Changes take effect immediately and are prorated on the next invoice.`;
    case 'troubleshooting':
      return `This guide explains what "${topic.subject}" means and how to resolve it. Most cases are fixed in a few minutes without contacting support.`;
    case 'admin':
      return `Workspace admins control ${topic.subject} from **Settings > Workspace**. Only users with the Admin role see these settings.`;
    case 'getting_started':
      return `New to the product? This guide walks you through ${topic.subject} in about ${timeoutMinutes} minutes.`;
  }
}

function prerequisites(topic: DocumentTopic, random: Random): string[] {
  const items = ['You are signed in as a workspace **Admin**.'];
  if (topic.kind === 'integration') items.push(`A ${topic.subject} user with read access to the objects you want to sync.`);
  if (topic.kind === 'sso') items.push(`Administrator access to ${topic.subject}.`, 'Your workspace is on the **Enterprise** plan.');
  if (topic.kind === 'api') items.push('An API key from **Settings > API keys**.');
  if (topic.kind === 'billing') items.push('The Billing permission on your account.');
  if (random.chance(0.5)) items.push('A recent version of Chrome, Firefox, Safari or Edge.');
  return items;
}

function steps(topic: DocumentTopic, domain: string, timeoutMinutes: number): string[] {
  switch (topic.kind) {
    case 'integration':
      return [
        'Open **Settings > Integrations**.',
        `Choose **${topic.subject}** and select **Connect**.`,
        `Sign in to ${topic.subject} and approve the requested scopes.`,
        'Pick the objects to sync and map their fields.',
        `Select **Save**. The first sync starts within ${timeoutMinutes} minutes.`,
      ];
    case 'sso':
      return [
        `In ${topic.subject}, create a new SAML 2.0 application.`,
        'Copy the ACS URL and Entity ID from **Settings > Security > SSO**.',
        `Add your email domain \`${domain}\` and verify it with a DNS TXT record.`,
        'Upload the identity provider metadata XML.',
        'Test the connection, then enable **Require SSO**.',
      ];
    case 'api':
      return [
        'Create an API key under **Settings > API keys**.',
        'Send the key in the `Authorization: Bearer` header.',
        `Call \`${topic.subject}\` and read the \`next_cursor\` field to page through results.`,
        'Back off and retry when you receive HTTP 429.',
      ];
    case 'report':
      return [
        `Open the ${topic.subject} you want to share.`,
        'Select **Schedule** (or **Export**) in the toolbar.',
        'Choose recipients, format and frequency.',
        'Select **Save**.',
      ];
    case 'billing':
      return ['Open **Settings > Billing**.', `Find **${topic.subject}**.`, 'Review the prorated amount.', 'Confirm the change.'];
    case 'troubleshooting':
      return [
        'Check the status page for ongoing incidents.',
        `Open **Settings > Activity** and filter on "${topic.subject}".`,
        'Reconnect the integration or rotate the API key if the error names one.',
        `If the error persists for more than ${timeoutMinutes} minutes, contact support with the request id.`,
      ];
    case 'admin':
      return ['Open **Settings > Workspace**.', `Select **${topic.subject}**.`, 'Make your changes.', 'Select **Save**; members see the change on their next page load.'];
    case 'getting_started':
      return ['Sign in to your workspace.', `Open the **${topic.subject}** guide from the home page.`, 'Follow the in-app checklist.', 'Invite a teammate to review your work.'];
  }
}

function codeExample(topic: DocumentTopic, limit: number, random: Random): { language: string; lines: string[] } {
  const id = random.int(1000, 9999);
  if (topic.kind === 'api' || topic.kind === 'troubleshooting') {
    const path = topic.kind === 'api' ? topic.subject : '/v1/status';
    return {
      language: 'bash',
      lines: [
        `curl -s "https://api.strata-demo.example${path}?limit=${Math.min(limit, 100)}" \\`,
        '  -H "Authorization: Bearer $API_KEY"',
      ],
    };
  }
  if (topic.kind === 'sso') {
    return { language: 'xml', lines: [`<EntityDescriptor entityID="https://sso.strata-demo.example/saml/${id}">`, '  <!-- paste your IdP metadata here -->', '</EntityDescriptor>'] };
  }
  if (topic.kind === 'report') {
    return { language: 'sql', lines: ['SELECT account_id, count(*) AS runs', 'FROM report_runs', `WHERE report_id = ${id}`, 'GROUP BY account_id;'] };
  }
  return {
    language: 'json',
    lines: ['{', `  "workspace_id": ${id},`, `  "topic": "${slug(topic.title)}",`, `  "rate_limit_per_minute": ${limit}`, '}'],
  };
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
