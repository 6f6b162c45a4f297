import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { StrataError, type SourceLocation } from './errors.js';

export type YamlPath = readonly (string | number)[];

/**
 * A parsed YAML file that remembers where every value came from, so validation errors can
 * point at file:line:column.
 */
export class YamlFile {
  readonly path: string;
  readonly value: unknown;
  private readonly document: Document;
  private readonly lines: LineCounter;

  private constructor(path: string, document: Document, lines: LineCounter) {
    this.path = path;
    this.document = document;
    this.lines = lines;
    this.value = document.toJS({ maxAliasCount: 1000 }) ?? null;
  }

  static read(path: string, displayPath = path): YamlFile {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new StrataError('file_unreadable', `Cannot read ${displayPath}: ${(error as Error).message}`, {
        location: { file: displayPath },
        cause: error,
      });
    }
    return YamlFile.parse(text, displayPath);
  }

  static parse(text: string, displayPath: string): YamlFile {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const first = document.errors[0];
    if (first) {
      const position = first.linePos?.[0];
      throw new StrataError('yaml_syntax', `Invalid YAML: ${describeYamlError(first.code, first.message)}`, {
        location: { file: displayPath, line: position?.line, column: position?.col },
        details: { yamlCode: first.code, problems: document.errors.length },
      });
    }
    return new YamlFile(displayPath, document, lines);
  }

  /**
   * Where the value at `path` is written. For a missing key, the nearest existing parent.
   * With `key: true`, points at the key itself rather than its value (for unknown-key errors).
   */
  locate(path: YamlPath, options: { key?: boolean } = {}): SourceLocation {
    let node: unknown = this.document.contents;
    let offset = offsetOf(node) ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(segment));
        if (!pair) break;
        const isLast = segment === path[path.length - 1] && options.key;
        offset = (isLast ? offsetOf(pair.key) : offsetOf(pair.value) ?? offsetOf(pair.key)) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = offsetOf(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const { line, col } = this.lines.linePos(offset);
    return { file: this.path, line, column: col };
  }
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function keyText(key: unknown): string {
  if (key && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return String(key);
}

/** The yaml library's messages end with a code frame; keep the sentence and say what was expected. */
function describeYamlError(code: string, message: string): string {
  const sentence = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'DUPLICATE_KEY':
      return `${sentence} (each key may appear once in a mapping)`;
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return `${sentence} (check the indentation: nested keys need more spaces than their parent, and tabs are not allowed)`;
    case 'TAB_AS_INDENT':
      return `${sentence} (indent with spaces, not tabs)`;
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `${sentence} (a "key: value" line is probably missing its colon or is mis-indented)`;
    default:
      return sentence;
  }
}
