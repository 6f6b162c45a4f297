/**
 * Demo load benchmark: generate the scale-1 demo, bulk-load it into a fresh DuckDB file through
 * loadDemoData (the engine's appender path), and compare with DuckDB's own `read_csv` loading the
 * same rows from CSV files with the same explicit column types, in a second fresh DuckDB file.
 *
 *   npm run bench -- load [--scale 1] [--seed 42] [--keep]
 *
 * Generation is timed on its own; the rows are then materialized so neither load figure includes
 * it, and writing the CSV files is timed apart from both. A third figure loads while generating,
 * as `strata demo` does. Goal: >= 1M rows/s and within 2x of read_csv.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../src/engines/index.js';
import type { Engine } from '../src/engines/types.js';
import { generateDemoData, loadDemoData, type DemoDataset, type DemoTable } from '../src/demo/index.js';

const SCHEMA = 'raw';
const GOAL_ROWS_PER_SECOND = 1_000_000;
const GOAL_RATIO = 2;

export async function run(args: string[]): Promise<void> {
  const scale = Number(option(args, '--scale') ?? 1);
  const seed = Number(option(args, '--seed') ?? 42);
  const keep = args.includes('--keep');
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-load-'));
  console.log(`Demo load benchmark: scale ${scale}, seed ${seed}, node ${process.version}, work dir ${dir}\n`);

  try {
    // 1. Generate: one full pass over every table's rows, counting them (nothing retained).
    let started = performance.now();
    const lazy = generateDemoData({ seed, scale });
    let totalRows = 0;
    for (const table of lazy.tables) for (const _ of table.rows()) totalRows++;
    const generateSeconds = seconds(started);

    // Materialize the rows so the load figures below measure loading only.
    const tables = lazy.tables.map((table) => ({ table, rows: [...table.rows()] }));
    const dataset: DemoDataset = {
      ...lazy,
      tables: tables.map(({ table, rows }) => ({ name: table.name, columns: table.columns, rowCount: rows.length, rows: () => rows })),
    };

    // 2. Ours: loadDemoData of the materialized rows into a fresh DuckDB file.
    const ours = await openDuckDB(dir, 'ours.duckdb');
    let summary;
    try {
      console.log(`DuckDB ${await ours.version()}`);
      started = performance.now();
      summary = await loadDemoData(ours, dataset, { schema: SCHEMA });
    } finally {
      await ours.close();
    }
    const oursSeconds = seconds(started);

    // 2b. What `strata demo` does: generate while loading, into another fresh file.
    const streaming = await openDuckDB(dir, 'streaming.duckdb');
    try {
      started = performance.now();
      await loadDemoData(streaming, lazy, { schema: SCHEMA });
    } finally {
      await streaming.close();
    }
    const streamingSeconds = seconds(started);

    // 3. CSV files of the same rows (not part of either figure).
    started = performance.now();
    const csvFiles = new Map<string, string>();
    let csvBytes = 0;
    for (const { table, rows } of tables) {
      const file = join(dir, `${table.name}.csv`);
      writeCsv(file, table, rows);
      csvFiles.set(table.name, file);
      csvBytes += (await stat(file)).size;
    }
    const csvWriteSeconds = seconds(started);

    // 4. Peer: CREATE TABLE ... AS SELECT * FROM read_csv(..., columns = {...}) into another fresh file.
    const peer = await openDuckDB(dir, 'read_csv.duckdb');
    const peerTables: { name: string; ms: number }[] = [];
    try {
      started = performance.now();
      await peer.execute(`CREATE SCHEMA IF NOT EXISTS ${peer.dialect.quoteIdentifier(SCHEMA)}`);
      for (const { table } of tables) {
        const tableStarted = performance.now();
        const columns = table.columns
          .map((c) => `${peer.dialect.literal(c.name)}: ${peer.dialect.literal(peer.dialect.typeName(c.type))}`)
          .join(', ');
        await peer.execute(
          `CREATE TABLE ${peer.dialect.qualify({ schema: SCHEMA, name: table.name })} AS SELECT * FROM read_csv(${peer.dialect.literal(csvFiles.get(table.name)!)}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columns}})`,
        );
        peerTables.push({ name: table.name, ms: performance.now() - tableStarted });
      }
    } finally {
      await peer.close();
    }
    const peerSeconds = seconds(started);

    // 5. Both files must hold the same data, or the comparison means nothing.
    const mismatches = await compareDatabases(dir, tables.map((t) => t.table));

    const rowsPerSecond = (rows: number, s: number) => Math.round(rows / s);
    const lines: string[][] = [['table', 'rows', 'loadDemoData s', 'rows/s', 'read_csv s', 'rows/s', 'ours / read_csv']];
    for (const { table, rows } of tables) {
      const oursMs = summary.tables.find((t) => t.name === table.name)!.ms;
      const peerMs = peerTables.find((t) => t.name === table.name)!.ms;
      lines.push([table.name, fmt(rows.length), (oursMs / 1000).toFixed(3), fmt(rowsPerSecond(rows.length, oursMs / 1000)), (peerMs / 1000).toFixed(3), fmt(rowsPerSecond(rows.length, peerMs / 1000)), (oursMs / peerMs).toFixed(2)]);
    }
    lines.push(['total', fmt(totalRows), oursSeconds.toFixed(3), fmt(rowsPerSecond(totalRows, oursSeconds)), peerSeconds.toFixed(3), fmt(rowsPerSecond(totalRows, peerSeconds)), (oursSeconds / peerSeconds).toFixed(2)]);

    console.log(`\ngenerate (one pass, not retained): ${fmt(totalRows)} rows in ${generateSeconds.toFixed(3)} s = ${fmt(rowsPerSecond(totalRows, generateSeconds))} rows/s`);
    console.log(`generate + load streaming (what \`strata demo\` does): ${streamingSeconds.toFixed(3)} s = ${fmt(rowsPerSecond(totalRows, streamingSeconds))} rows/s`);
    console.log(`write CSV (not timed in either load): ${(csvBytes / 1e6).toFixed(1)} MB in ${csvWriteSeconds.toFixed(3)} s\n`);
    printTable(lines);
    const ratio = oursSeconds / peerSeconds;
    const oursRate = totalRows / oursSeconds;
    console.log(`\nloadDemoData: ${fmt(Math.round(oursRate))} rows/s (goal >= ${fmt(GOAL_ROWS_PER_SECOND)}): ${oursRate >= GOAL_ROWS_PER_SECOND ? 'met' : 'NOT met'}`);
    console.log(`time ratio ours / read_csv: ${ratio.toFixed(2)} (goal <= ${GOAL_RATIO}): ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}`);
    console.log(mismatches.length === 0 ? 'data check: both databases hold identical rows (count and row hash per table)' : `data check FAILED: ${mismatches.join('; ')}`);
    if (mismatches.length > 0) process.exitCode = 1;
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

function openDuckDB(dir: string, file: string): Promise<Engine> {
  return createEngine({ name: 'bench', projectDir: dir, config: { type: 'duckdb', path: join(dir, file) } });
}

/** Per table: row count and a sum of row hashes, computed by DuckDB in both files. */
async function compareDatabases(dir: string, tables: readonly DemoTable[]): Promise<string[]> {
  const engine = await openDuckDB(dir, 'ours.duckdb');
  const mismatches: string[] = [];
  try {
    await engine.execute(`ATTACH ${engine.dialect.literal(join(dir, 'read_csv.duckdb'))} AS peer (READ_ONLY)`);
    for (const table of tables) {
      const columns = table.columns.map((c) => engine.dialect.quoteIdentifier(c.name)).join(', ');
      const fingerprint = (database?: string) =>
        `SELECT count(*) AS n, CAST(sum(CAST(hash(${columns}) AS HUGEINT)) AS VARCHAR) AS h FROM ${engine.dialect.qualify({ database, schema: SCHEMA, name: table.name })}`;
      const [a, b] = [(await engine.query(fingerprint())).rows[0], (await engine.query(fingerprint('peer'))).rows[0]];
      if (a?.n !== b?.n || a?.h !== b?.h) mismatches.push(`${table.name}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  } finally {
    await engine.close();
  }
  return mismatches;
}

function writeCsv(file: string, table: DemoTable, rows: readonly (readonly unknown[])[]): void {
  const fd = openSync(file, 'w');
  try {
    let buffer = table.columns.map((c) => c.name).join(',') + '\n';
    for (const row of rows) {
      let line = '';
      for (let i = 0; i < row.length; i++) {
        if (i > 0) line += ',';
        line += csvField(row[i]);
      }
      buffer += line + '\n';
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

/** RFC 4180: quote a field holding a comma, quote or line break; an empty field is NULL. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function printTable(lines: string[][]): void {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  lines.forEach((line, index) => {
    console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
    if (index === 0 || index === lines.length - 2) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function seconds(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}

function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
