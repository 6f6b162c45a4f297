import { StrataError } from '../core/errors.js';

/**
 * Stable codes for "cannot use this target" failures, shared by every networked engine so the
 * CLI, `strata debug` and /health can explain them alike.
 */
export const TargetErrorCode = {
  /** DNS failure, no route to the host, or no answer before the connect timeout. */
  unreachable: 'target_unreachable',
  /** The host answered but nothing listens on the port. */
  refused: 'target_refused',
  /** Wrong password, unknown role, or no pg_hba.conf entry for this client. */
  authFailed: 'target_auth_failed',
  /** The server is up but the named database does not exist. */
  databaseMissing: 'target_database_missing',
  /** The server is up but will not take a connection now (starting, too many clients). */
  unavailable: 'target_unavailable',
  /** TLS could not be negotiated as sslmode asks. */
  sslFailed: 'target_ssl_failed',
} as const;

export type TargetErrorCode = (typeof TargetErrorCode)[keyof typeof TargetErrorCode];

/** Where a connection was going, for messages. */
export interface Endpoint {
  /** The target's name in strata.yml. */
  readonly target: string;
  /** 'postgres', 'clickhouse', ... */
  readonly type: string;
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly database?: string;
  /** Connect timeout in milliseconds, for the "did not answer" message. */
  readonly timeoutMs?: number;
}

const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

/**
 * A StrataError for socket-level failures (DNS, routing, refused port, timeout), or undefined
 * when `error` is something else. Node reports these as errors with a `code` such as
 * ECONNREFUSED; drivers report their own connect timeout with a message instead.
 */
export function networkError(error: unknown, endpoint: Endpoint): StrataError | undefined {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const where = `${endpoint.host}:${endpoint.port}`;
  const subject = `Cannot connect to ${endpoint.type} target '${endpoint.target}'`;
  const details = { target: endpoint.target, host: endpoint.host, port: endpoint.port, ...(code ? { errno: code } : {}) };
  if (code && DNS_FAILURES.has(code)) {
    return new StrataError(TargetErrorCode.unreachable, `${subject}: the host name '${endpoint.host}' could not be resolved (${code}).`, {
      hint: 'Check `host` in the target for typos, and that this machine can resolve it (DNS, /etc/hosts, VPN).',
      details,
      httpStatus: 503,
      cause: error,
    });
  }
  if (code && NO_ROUTE.has(code)) {
    return new StrataError(TargetErrorCode.unreachable, `${subject}: there is no network route to ${where} (${code}).`, {
      hint: 'Check `host` in the target, and that the network, VPN or firewall lets this machine reach it.',
      details,
      httpStatus: 503,
      cause: error,
    });
  }
  if (code === 'ECONNREFUSED') {
    return new StrataError(TargetErrorCode.refused, `${subject}: nothing is listening on ${where} (connection refused).`, {
      hint: `Check that the ${endpoint.type} server is running and that \`port\` (${endpoint.port}) is the port it listens on.`,
      details,
      httpStatus: 503,
      cause: error,
    });
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout|timed out/i.test(message)) {
    const after = endpoint.timeoutMs === undefined ? '' : ` within ${formatSeconds(endpoint.timeoutMs)}`;
    return new StrataError(TargetErrorCode.unreachable, `${subject}: ${where} did not answer${after}.`, {
      hint: 'Check `host` and `port` in the target, and that no firewall silently drops the connection; raise `connect_timeout` for a slow network.',
      details,
      httpStatus: 503,
      cause: error,
    });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated unexpectedly/i.test(message)) {
    return new StrataError(TargetErrorCode.unreachable, `${subject}: ${where} closed the connection before it was established.`, {
      hint: `Check that ${where} is a ${endpoint.type} server (not another service on that port), and the \`sslmode\` it expects.`,
      details,
      httpStatus: 503,
      cause: error,
    });
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // AggregateError from happy-eyeballs connects (IPv4 and IPv6 both tried).
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.length > 0 ? errorCode(inner[0]) : undefined;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
}
