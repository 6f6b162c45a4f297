import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { StrataError } from '../../core/errors.js';
import { TargetErrorCode, networkError } from '../connection-errors.js';

/**
 * ClickHouse's HTTP interface over node:http (not fetch: a connect timeout, a streamed request
 * body with backpressure and the socket's own error codes are all needed, and node:http gives
 * them without another dependency). One statement per request; results stream back as text.
 */

export interface ClickHouseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  /** Sent as the `database` URL parameter; undefined leaves the server's default. */
  readonly database?: string;
  readonly connectTimeoutMs: number;
  /** Settings sent as URL parameters with every request. */
  readonly settings: Readonly<Record<string, string>>;
  /** The target's name in strata.yml, for messages. */
  readonly target?: string;
}

export interface ClickHouseRequest {
  /** The statement, sent as the request body (or as the `query` URL parameter when `body` carries data). */
  readonly sql: string;
  /** Data for INSERT ... FORMAT: the SQL goes in the URL and this streams as the body. */
  readonly body?: AsyncIterable<string>;
  /** Per-request settings (URL parameters) on top of the endpoint's. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** A ClickHouse exception as the server writes it, old or new style. */
export interface ServerException {
  readonly code: number;
  /** The error's name (UNKNOWN_TABLE, ...), which servers from about 21.x append. */
  readonly name?: string;
  readonly message: string;
}

/** Error codes that mean the credentials were refused (REQUIRED_PASSWORD, WRONG_PASSWORD, UNKNOWN_USER, IP_ADDRESS_NOT_ALLOWED, AUTHENTICATION_FAILED). */
export const AUTH_ERROR_CODES = new Set([192, 193, 194, 195, 516]);
export const UNKNOWN_DATABASE = 81;

export class ClickHouseHttp {
  private readonly agent: http.Agent;

  constructor(readonly endpoint: ClickHouseEndpoint) {
    // Idle sockets are dropped after 2.5s, before the server's default keep_alive_timeout (3s)
    // closes them under a request; in-flight requests are not affected by this timeout.
    const options = { keepAlive: true, maxSockets: 16, timeout: 2500 };
    this.agent = endpoint.secure ? new https.Agent(options) : new http.Agent(options);
  }

  get address(): string {
    return `${this.endpoint.host}:${this.endpoint.port}`;
  }

  /**
   * Sends one statement and resolves with the response once the server answered 200. A non-200
   * answer is read and thrown as a StrataError (sql_error, or a target_* code for connection,
   * auth and wrong-port problems).
   */
  async request(request: ClickHouseRequest): Promise<IncomingMessage> {
    try {
      return await this.send(request);
    } catch (error) {
      // A kept-alive socket the server closed just as it was reused: retrying is safe because
      // the server never saw the request (no response, nothing streamed from a body).
      if (!(error instanceof StaleSocketError)) throw error;
      if (request.body === undefined) return this.send(request);
      throw this.connectionError(error.cause);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private send(request: ClickHouseRequest): Promise<IncomingMessage> {
    const { endpoint } = this;
    const params = new URLSearchParams();
    if (endpoint.database) params.set('database', endpoint.database);
    for (const [key, value] of Object.entries(endpoint.settings)) params.set(key, value);
    for (const [key, value] of Object.entries(request.settings ?? {})) params.set(key, value);
    if (request.body) params.set('query', request.sql);
    const transport = endpoint.secure ? https : http;
    return new Promise<IncomingMessage>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const req = transport.request({
        host: endpoint.host,
        port: endpoint.port,
        method: 'POST',
        path: `/?${params.toString()}`,
        agent: this.agent,
        headers: {
          // Header authentication works on 18.16 as on current servers and keeps the password out of URLs and logs.
          'X-ClickHouse-User': endpoint.user,
          'X-ClickHouse-Key': endpoint.password,
          'Content-Type': 'text/plain; charset=UTF-8',
          ...(request.body ? { 'Transfer-Encoding': 'chunked' } : {}),
        },
      });
      let handshakeDone = !endpoint.secure;
      req.on('socket', (socket) => {
        if (!socket.connecting) {
          handshakeDone = true;
          return;
        }
        socket.once('secureConnect', () => (handshakeDone = true));
        const timer = setTimeout(() => {
          const error = Object.assign(new Error(`connect timed out after ${endpoint.connectTimeoutMs} ms`), { code: 'STRATA_CONNECT_TIMEOUT' });
          req.destroy(error);
        }, endpoint.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('secureConnect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // After an HTTP parse error node leaves the socket open; close it so nothing lingers.
        req.socket?.destroy();
        if (req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) fail(new StaleSocketError(error));
        else if (error instanceof StrataError) fail(error);
        // A TLS handshake that fails by a reset rather than a TLS error: same cause as EPROTO.
        else if (!handshakeDone && (error.code === 'ECONNRESET' || /socket hang up/i.test(error.message))) fail(wrongPortError(endpoint, 'tls-to-plain', error.message));
        else fail(this.connectionError(error));
      });
      req.on('response', (response) => {
        if (response.statusCode === 200 && isClickHouseResponse(response)) {
          settled = true;
          resolve(response);
          return;
        }
        readAll(response).then(
          (text) => fail(this.responseError(response, text, request.sql)),
          (error: unknown) => fail(error),
        );
      });
      if (!request.body) {
        req.end(request.sql);
        return;
      }
      writeBody(req, request.body).catch((error: unknown) => {
        // The rows themselves failed (a bad value): reject with that error as it is, then abort
        // the request so the server drops the unfinished insert instead of committing it.
        fail(error);
        req.destroy();
      });
    });
  }

  /** The StrataError for a non-200 (or non-ClickHouse) HTTP answer. */
  private responseError(response: IncomingMessage, text: string, sql: string): StrataError {
    if (/is for clickhouse-client program/i.test(text)) return wrongPortError(this.endpoint, 'native');
    const exception = parseServerException(text);
    if (!exception) {
      if (!isClickHouseResponse(response)) return wrongPortError(this.endpoint, 'other-http', `${response.statusCode} ${text.slice(0, 120).trim()}`);
      return new StrataError('sql_error', `ClickHouse answered HTTP ${response.statusCode}: ${text.trim().slice(0, 500) || '(empty body)'}`, {
        details: { httpStatus: response.statusCode, sql: abbreviate(sql) },
      });
    }
    return exceptionError(exception, this.endpoint, sql);
  }

  /**
   * Socket-level failures, named for what the user should check: DNS, routing, refused ports and
   * timeouts as every networked engine names them (connection-errors.ts); ClickHouse adds the
   * wrong port (its native port, or a TLS port spoken to in plain HTTP) and TLS mismatches.
   */
  connectionError(error: unknown): StrataError {
    const code = (error as { code?: string }).code ?? '';
    const message = error instanceof Error ? error.message : String(error);
    const { endpoint } = this;
    if (code === 'EPROTO' || code.startsWith('ERR_SSL')) {
      return endpoint.secure ? wrongPortError(endpoint, 'tls-to-plain', message) : wrongPortError(endpoint, 'other', message);
    }
    // An HTTP parse failure or a reset before any answer: something that is not an HTTP server
    // answered (ClickHouse's native port, or an HTTPS port spoken to in plain HTTP).
    if (code.startsWith('HPE_') || code === 'ECONNRESET' || /socket hang up/i.test(message)) {
      return wrongPortError(endpoint, isNativePort(endpoint.port) ? 'native' : endpoint.secure ? 'other' : 'maybe-tls', message);
    }
    const network = networkError(error, {
      target: endpoint.target ?? `${endpoint.host}:${endpoint.port}`,
      type: 'clickhouse',
      host: endpoint.host,
      port: endpoint.port,
      user: endpoint.user,
      database: endpoint.database,
      timeoutMs: endpoint.connectTimeoutMs,
    });
    if (network) return network;
    return new StrataError(TargetErrorCode.unreachable, `ClickHouse at ${endpoint.host}:${endpoint.port} failed: ${message}`, {
      details: { host: endpoint.host, port: endpoint.port, ...(code ? { errno: code } : {}) },
      cause: error,
      httpStatus: 503,
    });
  }
}

function isNativePort(port: number): boolean {
  return port === 9000 || port === 9440;
}

type WrongPortKind = 'native' | 'other-http' | 'tls-to-plain' | 'maybe-tls' | 'other';

function wrongPortError(endpoint: ClickHouseEndpoint, kind: WrongPortKind, detail?: string): StrataError {
  const where = `${endpoint.host}:${endpoint.port}`;
  const httpPort = endpoint.secure ? 8443 : 8123;
  const messages: Record<WrongPortKind, [string, string]> = {
    native: [
      `Port ${endpoint.port} is ClickHouse's native TCP port; Strata talks HTTP — use ${httpPort}`,
      `Set port: ${httpPort} in the target (the HTTP interface, or 8443 with secure: true).`,
    ],
    'other-http': [
      `The server at ${where} speaks HTTP but is not ClickHouse${detail ? ` (it answered ${detail})` : ''}`,
      `Point the target at ClickHouse's HTTP port (8123 by default, 8443 with secure: true).`,
    ],
    'tls-to-plain': [
      `The server at ${where} does not speak TLS (secure: true was set)`,
      'Set secure: false for the plain HTTP port (8123), or use the HTTPS port (8443).',
    ],
    'maybe-tls': [
      `The server at ${where} did not answer HTTP${detail ? ` (${detail})` : ''}; it may be ClickHouse's native port or an HTTPS port`,
      'Use the HTTP port (8123), or set secure: true for the HTTPS port (8443).',
    ],
    other: [`The server at ${where} did not answer as ClickHouse's HTTP interface${detail ? ` (${detail})` : ''}`, 'Use the HTTP port (8123, or 8443 with secure: true).'],
  };
  const [message, hint] = messages[kind];
  const code = kind === 'tls-to-plain' ? TargetErrorCode.sslFailed : 'target_wrong_port';
  return new StrataError(code, message, { hint, details: { host: endpoint.host, port: endpoint.port }, httpStatus: 503 });
}

/** The StrataError for a ClickHouse exception (auth failures keep their own code). */
export function exceptionError(exception: ServerException, endpoint: ClickHouseEndpoint, sql?: string): StrataError {
  const details: Record<string, unknown> = { clickhouseCode: exception.code };
  if (exception.name) details.clickhouseName = exception.name;
  if (AUTH_ERROR_CODES.has(exception.code)) {
    return new StrataError(TargetErrorCode.authFailed, `ClickHouse refused user '${endpoint.user}' at ${endpoint.host}:${endpoint.port}: ${exception.message}`, {
      hint: 'Check user and password in the target (an empty password is sent as empty).',
      details,
      httpStatus: 503,
    });
  }
  if (sql !== undefined) details.sql = abbreviate(sql);
  return new StrataError('sql_error', exception.message, { details });
}

/**
 * Parses "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist, e.what() = DB::Exception"
 * (18.x-20.x) and "Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version 24.3.1.1)"
 * (21.x+) into code, name and the message alone.
 */
export function parseServerException(text: string): ServerException | undefined {
  const match = /Code: (\d+)[.,]\s*(?:e\.displayText\(\) = )?(?:DB::Exception: )?([\s\S]*)$/.exec(text.trim());
  if (!match) return undefined;
  let message = match[2]!.trim();
  message = message.replace(/,\s*e\.what\(\) = [\w:]+\s*$/, '');
  message = message.replace(/\s*\(version [^\n]*\)\s*$/, '');
  let name: string | undefined;
  const named = /\s*\(([A-Z][A-Z0-9_]+)\)\s*$/.exec(message);
  if (named) {
    name = named[1];
    message = message.slice(0, named.index);
  }
  // Stack traces (with `stacktrace=1` or in server-side logs) are noise for users.
  message = message.replace(/\s*Stack trace[\s\S]*$/, '').trim();
  return { code: Number(match[1]), name, message };
}

/** An exception written into a 200 response after rows were sent (headers had gone already). */
const TRAILING_EXCEPTION = /Code: \d+[.,]\s*(?:e\.displayText\(\) = )?DB::Exception/;

/**
 * Lines of a text response, decoded as UTF-8 across chunk boundaries. Handles both ways a
 * server reports an error after it has started answering 200: the bare exception line of
 * 18.x-25.10, and the `__exception__` block of servers that send X-ClickHouse-Exception-Tag.
 * The last complete line is held back until more arrives, so a final exception line is never
 * mistaken for a row.
 */
export async function* readLines(response: IncomingMessage, endpoint: ClickHouseEndpoint, sql: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const tagged = response.headers['x-clickhouse-exception-tag'] !== undefined;
  let pending = '';
  let held: string | undefined;
  const exceptionFrom = (text: string) => {
    const exception = parseServerException(text.replace(/__exception__/g, '').trim());
    return exceptionError(exception ?? { code: 0, message: text.trim() }, endpoint, sql);
  };
  for await (const chunk of response) {
    pending += decoder.write(chunk as Buffer);
    let start = 0;
    let newline = pending.indexOf('\n', start);
    while (newline !== -1) {
      const line = pending.slice(start, newline);
      if (tagged && line.startsWith('__exception__')) {
        for await (const rest of response) pending += decoder.write(rest as Buffer);
        throw exceptionFrom(pending.slice(start) + decoder.end());
      }
      if (held !== undefined) yield held;
      held = line;
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending !== '') {
    // Rows always end in a newline; a partial last line is a row cut short by an exception.
    if (held !== undefined) yield held;
    held = pending;
  }
  if (held !== undefined) {
    if (TRAILING_EXCEPTION.test(held)) throw exceptionFrom(held.slice(held.search(/Code: \d+/)));
    if (pending !== '') throw new StrataError('sql_error', 'ClickHouse ended the result in the middle of a row', { details: { sql: abbreviate(sql) } });
    yield held;
  }
}

export async function readAll(response: IncomingMessage): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const chunk of response) text += decoder.write(chunk as Buffer);
  return text + decoder.end();
}

/** ClickHouse marks its answers with X-ClickHouse-* headers (18.16 sends X-ClickHouse-Server-Display-Name). */
function isClickHouseResponse(response: IncomingMessage): boolean {
  return Object.keys(response.headers).some((name) => name.startsWith('x-clickhouse-'));
}

/** A reset on a kept-alive socket before any answer: the server closed it while idle. */
class StaleSocketError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

async function writeBody(req: http.ClientRequest, body: AsyncIterable<string>): Promise<void> {
  for await (const chunk of body) {
    if (req.destroyed) return;
    if (!req.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          req.off('error', onError);
          req.off('close', onDrain);
          resolve();
        };
        const onError = (error: Error) => {
          req.off('drain', onDrain);
          reject(error);
        };
        req.once('drain', onDrain);
        req.once('close', onDrain);
        req.once('error', onError);
      });
    }
  }
  req.end();
}

function abbreviate(sql: string): string {
  return sql.length > 2000 ? `${sql.slice(0, 2000)}...` : sql;
}
