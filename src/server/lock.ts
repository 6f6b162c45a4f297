import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a running `strata serve` tells other strata processes about itself. */
export interface ServerLock {
  readonly pid: number;
  readonly url: string;
  readonly token: string;
  readonly target: string;
  /** The DuckDB file the server holds open, if any. */
  readonly warehouse?: string;
  readonly startedAt: string;
}

export function serverLockPath(strataDir: string): string {
  return join(strataDir, 'server.json');
}

/** Written atomically (temp file + rename) and readable by the owner only: it holds a token. */
export function writeServerLock(strataDir: string, lock: ServerLock): void {
  mkdirSync(strataDir, { recursive: true });
  const path = serverLockPath(strataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(lock, null, 2), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function removeServerLock(strataDir: string, pid = process.pid): void {
  const current = readServerLock(strataDir);
  if (current && current.pid === pid) rmSync(serverLockPath(strataDir), { force: true });
}

export function readServerLock(strataDir: string): ServerLock | undefined {
  try {
    const lock = JSON.parse(readFileSync(serverLockPath(strataDir), 'utf8')) as ServerLock;
    return typeof lock.pid === 'number' && typeof lock.url === 'string' && typeof lock.token === 'string' ? lock : undefined;
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a live server for this project, or undefined (a stale lock from a crash is ignored). */
export async function findRunningServer(strataDir: string): Promise<ServerLock | undefined> {
  const lock = readServerLock(strataDir);
  if (!lock || lock.pid === process.pid || !isProcessAlive(lock.pid)) return undefined;
  try {
    const response = await fetch(`${lock.url}/health`, { signal: AbortSignal.timeout(3000) });
    await response.body?.cancel();
    return response.status === 200 || response.status === 503 ? lock : undefined;
  } catch {
    return undefined;
  }
}
