import { z } from 'zod';

/**
 * strata.yml: a superset of dbt's dbt_project.yml. dbt's keys are accepted with dbt's meaning;
 * Strata's own keys (targets, target, state, serve) sit beside them. Later capabilities add
 * their keys here so that an unknown key is always reported with the nearest valid one.
 */

const paths = z.array(z.string().min(1));
/** Folder-scoped configs (`models: {my_project: {staging: {+materialized: view}}}`) are free-form. */
const scopedConfigs = z.record(z.string(), z.unknown());

export const stateConfigSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sqlite'), path: z.string().min(1).optional() }).strict(),
  z
    .object({
      type: z.literal('postgres'),
      connection_string: z.string().optional(),
      host: z.string().optional(),
      port: z.coerce.number().int().min(1).max(65535).optional(),
      user: z.string().optional(),
      password: z.string().optional(),
      database: z.string().optional(),
      schema: z.string().optional(),
    })
    .strict(),
]);

export const serveConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(4000),
    /** Largest accepted request body, in megabytes. */
    body_limit_mb: z.number().positive().max(4096).default(64),
    /** Seconds in-flight requests get to finish after SIGTERM before the server closes anyway. */
    shutdown_grace_seconds: z.number().positive().default(10),
  })
  .strict();

export const projectConfigSchema = z
  .object({
    // dbt_project.yml
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and underscores, not starting with a digit'),
    version: z.union([z.string(), z.number()]).optional(),
    'config-version': z.number().int().optional(),
    profile: z.string().optional(),
    'model-paths': paths.default(['models']),
    'seed-paths': paths.default(['seeds']),
    'test-paths': paths.default(['tests']),
    'analysis-paths': paths.default(['analyses']),
    'macro-paths': paths.default(['macros']),
    'snapshot-paths': paths.default(['snapshots']),
    'docs-paths': paths.optional(),
    'asset-paths': paths.optional(),
    'target-path': z.string().default('target'),
    'log-path': z.string().default('logs'),
    'packages-install-path': z.string().default('dbt_packages'),
    'clean-targets': paths.optional(),
    'require-dbt-version': z.union([z.string(), z.array(z.string())]).optional(),
    'query-comment': z.unknown().optional(),
    quoting: z.record(z.string(), z.boolean()).optional(),
    vars: z.record(z.string(), z.unknown()).default({}),
    models: scopedConfigs.optional(),
    seeds: scopedConfigs.optional(),
    snapshots: scopedConfigs.optional(),
    sources: scopedConfigs.optional(),
    tests: scopedConfigs.optional(),
    data_tests: scopedConfigs.optional(),
    unit_tests: scopedConfigs.optional(),
    metrics: scopedConfigs.optional(),
    'semantic-models': scopedConfigs.optional(),
    'saved-queries': scopedConfigs.optional(),
    exposures: scopedConfigs.optional(),
    'on-run-start': z.union([z.string(), paths]).optional(),
    'on-run-end': z.union([z.string(), paths]).optional(),
    dispatch: z.array(z.unknown()).optional(),
    flags: z.record(z.string(), z.unknown()).optional(),
    'restrict-access': z.boolean().optional(),
    'dbt-cloud': z.unknown().optional(),
    // Strata
    /** Connections by name; validated by targetSchema (see targets.ts). */
    targets: z.record(z.string(), z.unknown()).optional(),
    /** The target used when --target is not given. */
    target: z.string().optional(),
    state: stateConfigSchema.optional(),
    serve: serveConfigSchema.default(serveConfigSchema.parse({})),
  })
  .strict();

export type ProjectConfig = z.output<typeof projectConfigSchema>;
export type StateConfig = z.output<typeof stateConfigSchema>;
export type ServeConfig = z.output<typeof serveConfigSchema>;

/** profiles.yml: `<profile>: {target, outputs: {<name>: <target config>}}`, plus an optional `config:` block. */
export const profileSchema = z
  .object({
    target: z.string().optional(),
    outputs: z.record(z.string(), z.unknown()),
  })
  .strict();
