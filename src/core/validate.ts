import type { z } from 'zod';
import { didYouMean, StrataError } from './errors.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

/** Loose view of zod 4 schema internals: enough to find which keys an object accepts. */
interface SchemaDef {
  type: string;
  innerType?: ZodLike;
  shape?: Record<string, ZodLike>;
  element?: ZodLike;
  valueType?: ZodLike;
  options?: ZodLike[];
  discriminator?: string;
  in?: ZodLike;
  out?: ZodLike;
  getter?: () => ZodLike;
}
interface ZodLike {
  def: SchemaDef;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** The object schema that describes the value at `path`, following wrappers, arrays and unions. */
function schemaAt(schema: ZodLike, path: YamlPath, data: unknown): ZodLike | undefined {
  let current: ZodLike | undefined = schema;
  let value = data;
  for (let i = 0; i <= path.length; i++) {
    current = unwrap(current, value);
    if (!current || i === path.length) return current;
    const segment = path[i]!;
    const def: SchemaDef = current.def;
    if (def.type === 'object' && def.shape) current = def.shape[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[String(segment)] : undefined;
  }
  return current;
}

function unwrap(schema: ZodLike | undefined, value: unknown): ZodLike | undefined {
  let current = schema;
  for (let guard = 0; current && guard < 20; guard++) {
    const def: SchemaDef = current.def;
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else if (def.type === 'union' && def.options) current = pickUnionOption(def, value);
    else return current;
  }
  return current;
}

function pickUnionOption(def: SchemaDef, value: unknown): ZodLike | undefined {
  const options = def.options ?? [];
  if (def.discriminator && value && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    const match = options.find((option) => {
      const literal = unwrap(option, value)?.def.shape?.[def.discriminator!];
      const values = (literal?.def as { values?: unknown[] } | undefined)?.values;
      return values?.includes(tag);
    });
    if (match) return match;
  }
  return options.find((option) => unwrap(option, value)?.def.type === 'object') ?? options[0];
}

export function knownKeys(schema: z.ZodType, path: YamlPath, data: unknown): string[] {
  const object = schemaAt(schema as unknown as ZodLike, path, data);
  return object?.def.type === 'object' && object.def.shape ? Object.keys(object.def.shape) : [];
}

function describePath(path: YamlPath): string {
  if (path.length === 0) return 'the top level';
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

/**
 * Validate parsed YAML against a zod schema. Returns the parsed (defaulted, coerced) value or
 * throws one StrataError naming the first problem's file:line:column; all problems are in details.
 */
export function validateYaml<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: YamlFile,
  basePath: YamlPath = [],
  what = 'configuration',
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [...basePath, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const valid = knownKeys(schema, issue.path as (string | number)[], value);
      return {
        location: file.locate([...path, key], { key: true }),
        message: `Unknown key '${key}' in ${what} at ${describePath(path)}.`,
        hint: didYouMean(key, valid),
      };
    }
    return {
      location: file.locate(path),
      message: `Invalid ${what} at ${describePath(path)}: ${issueText(issue)}.`,
      hint: undefined as string | undefined,
    };
  });
  const first = problems[0]!;
  throw new StrataError('config_invalid', first.message, {
    location: first.location,
    hint: first.hint,
    details: {
      problems: problems.map((p) => ({ ...p.location, message: p.message, hint: p.hint })),
    },
  });
}

function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `a value is required (expected ${issue.expected})` : `expected ${article(issue.expected)}, got ${typeName(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_union': {
      return 'the value does not match any accepted form';
    }
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function article(expected: string): string {
  const names: Record<string, string> = { array: 'a list', object: 'a mapping', record: 'a mapping', string: 'a string', number: 'a number', boolean: 'true or false' };
  return names[expected] ?? expected;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
