import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Files under `dir` whose names end with one of `extensions`, sorted so loading is deterministic. */
export function listFiles(dir: string, extensions: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      if (entry.startsWith('.')) continue;
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (extensions.some((ext) => entry.endsWith(ext))) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** A path relative to `from`, with forward slashes as dbt writes them in the manifest. */
export function posixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}
