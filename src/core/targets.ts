import { z } from 'zod';

/**
 * Connection settings ("targets"), as written under `targets:` in strata.yml or in a dbt-style
 * profiles.yml output. Keys follow dbt's adapters where one exists (dbname/database, user/username).
 */

const common = {
  /** Default schema for relations Strata creates. */
  schema: z.string().min(1).optional(),
  threads: z.number().int().positive().max(64).optional(),
};

export const duckdbTargetSchema = z
  .object({
    type: z.literal('duckdb'),
    /** Database file, relative to the project directory. Default `.strata/warehouse.duckdb`. ':memory:' allowed. */
    path: z.string().min(1).optional(),
    /** DuckDB settings applied at open, e.g. { memory_limit: '4GB' }. */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    extensions: z.array(z.string()).optional(),
    ...common,
  })
  .strict();

export const postgresTargetSchema = z
  .object({
    type: z.literal('postgres'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(1).max(65535).default(5432),
    user: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    pass: z.string().optional(),
    dbname: z.string().min(1).optional(),
    database: z.string().min(1).optional(),
    sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
    connect_timeout: z.number().positive().optional(),
    keepalives_idle: z.number().optional(),
    search_path: z.string().optional(),
    role: z.string().optional(),
    ...common,
  })
  .strict();

const clickhouseNodeSchema = z
  .object({
    host: z.string().min(1),
    /** HTTP port (8123, or 8443 with secure). */
    port: z.coerce.number().int().min(1).max(65535).default(8123),
  })
  .strict();

export const clickhouseTargetSchema = z
  .object({
    type: z.literal('clickhouse'),
    host: z.string().min(1).default('127.0.0.1'),
    /** HTTP port. */
    port: z.coerce.number().int().min(1).max(65535).default(8123),
    user: z.string().min(1).default('default'),
    password: z.string().default(''),
    database: z.string().min(1).default('default'),
    secure: z.boolean().default(false),
    connect_timeout: z.number().positive().optional(),
    /** Query settings sent with every request. */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /**
     * A cluster of shards with replicas. `name` is the cluster as named in the servers'
     * remote_servers config; DDL runs ON CLUSTER and reads go through Distributed tables.
     */
    cluster: z
      .object({
        name: z.string().min(1),
        shards: z
          .array(z.object({ weight: z.number().int().positive().optional(), replicas: z.array(clickhouseNodeSchema).min(1) }).strict())
          .min(1)
          .optional(),
      })
      .strict()
      .optional(),
    ...common,
  })
  .strict();

export const targetSchema = z.discriminatedUnion('type', [duckdbTargetSchema, postgresTargetSchema, clickhouseTargetSchema]);

export type DuckDBTarget = z.infer<typeof duckdbTargetSchema>;
export type PostgresTarget = z.infer<typeof postgresTargetSchema>;
export type ClickHouseTarget = z.infer<typeof clickhouseTargetSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export const TARGET_TYPES = ['duckdb', 'postgres', 'clickhouse'] as const;

/** A target chosen for a run: its name, settings, and the project directory paths resolve against. */
export interface ResolvedTarget {
  readonly name: string;
  readonly config: TargetConfig;
  readonly projectDir: string;
}

export const DEFAULT_DUCKDB_PATH = '.strata/warehouse.duckdb';
