/**
 * Fixed word lists the generator draws from. Order matters: changing a list changes the data for
 * every seed, so append rather than reorder when extending one.
 */

export const REGIONS = ['NA', 'EU', 'APAC', 'LATAM'] as const;
export type Region = (typeof REGIONS)[number];
/** North America dominates a typical B2B SaaS customer base. */
export const REGION_WEIGHTS = [0.46, 0.3, 0.16, 0.08];

/** Offset of the region's business day from UTC, in hours; shapes the hour-of-day curve. */
export const REGION_UTC_OFFSET_HOURS: Record<Region, number> = { NA: -6, EU: 1, APAC: 8, LATAM: -4 };

export const REGION_CURRENCY: Record<Region, string> = { NA: 'USD', EU: 'EUR', APAC: 'USD', LATAM: 'USD' };

export const REGION_COUNTRIES: Record<Region, readonly string[]> = {
  NA: ['US', 'US', 'US', 'US', 'CA'],
  EU: ['DE', 'GB', 'FR', 'NL', 'ES', 'SE', 'IE', 'PL', 'IT', 'DK'],
  APAC: ['AU', 'JP', 'IN', 'SG', 'KR', 'NZ'],
  LATAM: ['BR', 'MX', 'AR', 'CL', 'CO'],
};

export const SEGMENTS = ['smb', 'mid_market', 'enterprise'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const SEGMENT_WEIGHTS = [0.65, 0.27, 0.08];

export const INDUSTRIES = [
  'software',
  'fintech',
  'healthcare',
  'retail',
  'manufacturing',
  'education',
  'media',
  'logistics',
  'real_estate',
  'nonprofit',
  'consulting',
  'energy',
] as const;

export const COMPANY_FIRST = [
  'Blue', 'North', 'Bright', 'Silver', 'Granite', 'Maple', 'Harbor', 'Summit', 'Cedar', 'Copper',
  'Lumen', 'Atlas', 'Nimbus', 'Vertex', 'Orbit', 'Pioneer', 'Quartz', 'Redwood', 'Solstice', 'Tidal',
  'Evergreen', 'Falcon', 'Juniper', 'Keystone', 'Meridian', 'Oakridge', 'Prairie', 'Sierra', 'Willow', 'Zephyr',
];
export const COMPANY_SECOND = [
  'Analytics', 'Labs', 'Systems', 'Health', 'Logistics', 'Retail', 'Foods', 'Capital', 'Media', 'Works',
  'Robotics', 'Energy', 'Learning', 'Studios', 'Networks', 'Partners', 'Supply', 'Dynamics', 'Cloud', 'Bio',
];
export const COMPANY_SUFFIX = ['', '', '', ' Inc', ' Ltd', ' GmbH', ' Co', ' Group', ' AG', ' SA'];

export const FIRST_NAMES = [
  'Ana', 'Ben', 'Chen', 'Dana', 'Elif', 'Farah', 'Gabriel', 'Hana', 'Ivan', 'Jonas', 'Kai', 'Lena', 'Marco',
  'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tomas', 'Uma', 'Victor', 'Wei', 'Ximena', 'Yuki',
  'Zara', 'Amir', 'Beatriz', 'Carlos', 'Divya', 'Emma', 'Felix', 'Grace', 'Hugo', 'Isla', 'Jamal', 'Kenji',
  'Laura', 'Mateo', 'Noor', 'Olivia', 'Pablo', 'Rahul', 'Sofia', 'Theo', 'Valentina', 'William', 'Yara',
];
export const LAST_NAMES = [
  'Silva', 'Smith', 'Müller', 'Kim', 'Garcia', 'Nguyen', 'Rossi', 'Novak', 'Tanaka', 'Johansson', 'Okafor',
  'Patel', 'Dubois', 'Kowalski', 'Haddad', 'Lopez', 'Chen', 'Murphy', 'Andersen', 'Costa', 'Schmidt',
  'Yilmaz', 'Sato', 'Fernandes', 'Brown', 'Ivanova', 'Martin', 'Singh', 'Jansen', 'Moreno', "O'Brien",
  'Park', 'Wright', 'Bakker', 'Ruiz', 'Nakamura',
];

export const ROLES = ['admin', 'member', 'viewer'] as const;
/** Roles of users after the first (who is always an admin). */
export const ROLE_WEIGHTS = [0.08, 0.67, 0.25];

export const DEVICES = ['web', 'desktop', 'ios', 'android'] as const;
export const DEVICE_WEIGHTS = [0.68, 0.16, 0.09, 0.07];

/** Product areas a session touches; `feature` in events. */
export const FEATURES = [
  'dashboards', 'reports', 'alerts', 'integrations', 'workflows', 'data_sources', 'notebooks', 'ai_assistant',
  'sharing', 'billing', 'sso', 'audit_log',
] as const;
export const FEATURE_WEIGHTS = [0.24, 0.2, 0.09, 0.08, 0.08, 0.07, 0.06, 0.07, 0.06, 0.02, 0.015, 0.015];
/** Features only enterprise-plan accounts see. */
export const ENTERPRISE_FEATURES: ReadonlySet<string> = new Set(['sso', 'audit_log']);

export const FEATURE_ACTIONS = ['create', 'update', 'view', 'share', 'delete', 'duplicate'] as const;
export const FEATURE_ACTION_WEIGHTS = [0.2, 0.3, 0.3, 0.1, 0.05, 0.05];

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'png'] as const;
export const LOGIN_METHODS = ['password', 'google', 'magic_link'] as const;
export const SETTINGS = ['notifications', 'timezone', 'theme', 'two_factor', 'api_keys', 'members'] as const;
export const API_ENDPOINTS = ['/v1/reports', '/v1/dashboards', '/v1/events', '/v1/alerts', '/v1/exports'] as const;
