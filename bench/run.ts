/**
 * Runs one benchmark: `npm run bench -- NAME [args...]` imports bench/NAME.ts and calls its
 * exported `run(args)`. Each benchmark prints its own figures next to a peer measured in the
 * same run (see DESIGN.md, Testing). Without a known NAME it lists the available ones.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

interface BenchmarkModule {
  run?: (args: string[]) => Promise<void> | void;
}

const benchDir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.d.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  if (name) console.error(`Unknown benchmark '${name}'.`);
  console.error(`Usage: npm run bench -- NAME [args...]\nAvailable benchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 1 : 0);
}

const benchmark = (await import(new URL(`./${name}.ts`, import.meta.url).href)) as BenchmarkModule;
if (typeof benchmark.run !== 'function') {
  console.error(`bench/${name}.ts does not export run(args).`);
  process.exit(1);
}
await benchmark.run(args);
