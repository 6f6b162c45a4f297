/**
 * What the help center writes about: every public support document is one of these topics.
 * Each topic knows its category, its title and which body template renders it.
 */
export type TopicKind = 'integration' | 'sso' | 'api' | 'report' | 'billing' | 'troubleshooting' | 'admin' | 'getting_started';

export interface DocumentTopic {
  readonly category: string;
  readonly title: string;
  readonly kind: TopicKind;
  /** The thing the document is about ('Salesforce', 'Okta', '/v1/reports', ...). */
  readonly subject: string;
}

const INTEGRATIONS = ['Salesforce', 'HubSpot', 'Snowflake', 'BigQuery', 'PostgreSQL', 'Slack', 'Zendesk', 'Stripe', 'Segment', 'Jira', 'Google Sheets', 'Microsoft Teams'];
const IDENTITY_PROVIDERS = ['Okta', 'Microsoft Entra ID', 'Google Workspace', 'OneLogin', 'JumpCloud'];
const ENDPOINTS = ['/v1/reports', '/v1/dashboards', '/v1/events', '/v1/alerts', '/v1/exports', '/v1/users', '/v1/workflows'];
const REPORT_SUBJECTS = ['dashboards', 'reports', 'alerts', 'workflows', 'notebooks', 'usage analytics', 'funnels', 'retention cohorts'];
const BILLING_SUBJECTS = ['Changing your plan', 'Understanding your invoice', 'Adding seats', 'Refunds', 'Payment methods', 'Taxes and VAT', 'Annual billing', 'Cancelling a subscription'];
const ERRORS = ['Rate limit exceeded', 'Invalid API key', 'Sync timed out', 'Permission denied', 'Export failed', 'Session expired', 'Quota exceeded', 'Webhook delivery failed'];
const ADMIN_SUBJECTS = ['roles and permissions', 'deactivating users', 'the default time zone', 'data retention', 'IP allow lists', 'audit log exports', 'workspace branding', 'two-factor authentication'];
const GETTING_STARTED = ['your first dashboard', 'inviting teammates', 'your first data source', 'the AI assistant', 'alerts', 'sharing reports', 'the mobile app', 'keyboard shortcuts'];

/** The full, fixed catalog in a stable order. */
export const DOCUMENT_TOPICS: readonly DocumentTopic[] = [
  ...INTEGRATIONS.flatMap((name) => [
    { category: 'integrations', title: `Connecting ${name}`, kind: 'integration' as const, subject: name },
    { category: 'integrations', title: `Troubleshooting the ${name} sync`, kind: 'troubleshooting' as const, subject: `${name} sync` },
    { category: 'integrations', title: `Field mapping for ${name}`, kind: 'integration' as const, subject: name },
  ]),
  ...IDENTITY_PROVIDERS.flatMap((name) => [
    { category: 'security', title: `Configuring SSO with ${name}`, kind: 'sso' as const, subject: name },
    { category: 'security', title: `Provisioning users with SCIM from ${name}`, kind: 'sso' as const, subject: name },
  ]),
  ...ENDPOINTS.flatMap((endpoint) => [
    { category: 'api', title: `API reference: ${endpoint}`, kind: 'api' as const, subject: endpoint },
    { category: 'api', title: `Paginating ${endpoint} results`, kind: 'api' as const, subject: endpoint },
  ]),
  { category: 'api', title: 'Authenticating API requests', kind: 'api', subject: '/v1/auth/token' },
  { category: 'api', title: 'API rate limits', kind: 'api', subject: '/v1/limits' },
  ...REPORT_SUBJECTS.flatMap((subject) => [
    { category: 'reports', title: `Scheduling ${subject}`, kind: 'report' as const, subject },
    { category: 'reports', title: `Exporting ${subject} to CSV`, kind: 'report' as const, subject },
    { category: 'reports', title: `Filtering ${subject} by segment`, kind: 'report' as const, subject },
  ]),
  ...BILLING_SUBJECTS.map((subject) => ({ category: 'billing', title: subject, kind: 'billing' as const, subject })),
  ...ERRORS.flatMap((error) => [
    { category: 'troubleshooting', title: `Fixing "${error}" errors`, kind: 'troubleshooting' as const, subject: error },
  ]),
  ...ADMIN_SUBJECTS.map((subject) => ({ category: 'admin', title: `Managing ${subject}`, kind: 'admin' as const, subject })),
  ...GETTING_STARTED.map((subject) => ({ category: 'getting_started', title: `Getting started with ${subject}`, kind: 'getting_started' as const, subject })),
];
