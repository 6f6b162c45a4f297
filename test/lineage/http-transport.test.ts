import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { CompositeTransport, createLineage, HttpTransport, type RunEvent } from '../../src/lineage/index.js';

interface Received {
  readonly path: string;
  readonly authorization?: string;
  readonly body: RunEvent;
}

/** A real HTTP backend on 127.0.0.1; `respond` decides what each request gets. */
async function backend(respond: (n: number, res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text) as RunEvent });
      respond(received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const quiet = () => {};

describe('http transport', () => {
  it('POSTs each event to url + endpoint with the API key as a Bearer token', async () => {
    const target = await backend((_n, res) => res.writeHead(201).end());
    servers.push(target.server);
    const transport = new HttpTransport({ url: `${target.url}/`, apiKey: 'secret-key', log: quiet });
    const lineage = createLineage({ transport, validate: true });
    const run = lineage.startRun({ job: { namespace: 'shop', name: 'model.a' } });
    run.complete();
    await transport.flush(5000);
    assert.deepEqual(target.received.map((r) => [r.path, r.authorization, r.body.eventType, r.body.run.runId]), [
      ['/api/v1/lineage', 'Bearer secret-key', 'START', run.runId],
      ['/api/v1/lineage', 'Bearer secret-key', 'COMPLETE', run.runId],
    ]);
    assert.deepEqual(transport.stats(), { sent: 2, failed: 0, dropped: 0, pending: 0 });
  });

  it('retries a 503 with backoff and honours OPENLINEAGE_ENDPOINT', async () => {
    const target = await backend((n, res) => res.writeHead(n < 3 ? 503 : 200).end());
    servers.push(target.server);
    const transport = new HttpTransport({ url: target.url, endpoint: '/custom/intake', backoffMs: 10, retries: 3, log: quiet });
    createLineage({ transport }).startRun({ job: { namespace: 'shop', name: 'model.a' } });
    await transport.flush(5000);
    assert.equal(target.received.length, 3);
    assert.deepEqual(target.received.map((r) => r.path), ['/custom/intake', '/custom/intake', '/custom/intake']);
    assert.deepEqual(transport.stats(), { sent: 1, failed: 0, dropped: 0, pending: 0 });
  });

  it('gives up on a failing target after its retries, logs and counts, never throws', async () => {
    const target = await backend((_n, res) => res.writeHead(500).end('{"error":"down"}'));
    servers.push(target.server);
    const logged: string[] = [];
    const transport = new HttpTransport({ url: target.url, retries: 2, backoffMs: 5, log: (m) => logged.push(m) });
    const lineage = createLineage({ transport });
    lineage.startRun({ job: { namespace: 'shop', name: 'model.a' } }).complete();
    await transport.flush(5000);
    assert.equal(target.received.length, 6); // 2 events x (1 + 2 retries)
    assert.deepEqual(transport.stats(), { sent: 0, failed: 2, dropped: 0, pending: 0 });
    assert.equal(logged.length, 2);
    assert.match(logged[0]!, /POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage failed: HTTP 500/);
  });

  it('a slow target does not hold the job: emit returns at once, the buffer is bounded, other targets get everything', async () => {
    // Never answers: each attempt ends by the transport's own timeout.
    const slow = await backend(() => {});
    const good = await backend((_n, res) => res.writeHead(200).end());
    servers.push(slow.server, good.server);
    const slowTransport = new HttpTransport({ url: slow.url, timeoutMs: 200, retries: 0, maxQueue: 5, log: quiet });
    const goodTransport = new HttpTransport({ url: good.url, log: quiet });
    const lineage = createLineage({ transport: new CompositeTransport([slowTransport, goodTransport]) });
    const runs = Array.from({ length: 10 }, (_, i) => lineage.startRun({ job: { namespace: 'shop', name: `model.m${i}` } }));
    for (const run of runs) run.complete();
    // All 20 events were handed over synchronously; nothing has been answered by the slow target.
    // One event is in flight, five wait in the bounded buffer, the other fourteen were dropped.
    assert.deepEqual(slowTransport.stats(), { sent: 0, failed: 0, dropped: 14, pending: 6 });
    await goodTransport.flush(5000);
    assert.equal(good.received.length, 20);
    assert.deepEqual(goodTransport.stats(), { sent: 20, failed: 0, dropped: 0, pending: 0 });
    // Closing waits at most its timeout, then abandons what is left.
    await slowTransport.close(300);
    const stats = slowTransport.stats();
    assert.equal(stats.pending, 0);
    assert.equal(stats.sent, 0);
    assert.equal(stats.failed + stats.dropped, 20);
    assert.ok(stats.failed >= 1, JSON.stringify(stats));
  });

  it('an unreachable target is counted as failed', async () => {
    const transport = new HttpTransport({ url: 'http://127.0.0.1:1', retries: 1, backoffMs: 5, log: quiet });
    createLineage({ transport }).startRun({ job: { namespace: 'shop', name: 'x' } });
    await transport.flush(5000);
    assert.deepEqual(transport.stats(), { sent: 0, failed: 1, dropped: 0, pending: 0 });
  });
});
