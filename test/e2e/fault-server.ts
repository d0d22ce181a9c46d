import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Answers the emulator has no reason to give, for chosen requests: a proxy in front of it that redirects, asks to
 * come back later or answers with an HTML page, and forwards everything else unchanged.
 */
export type FaultAnswer =
    | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string }
    | { kind: 'retry-after'; status: 429 | 503; retryAfter: string }
    | { kind: 'html'; status?: number };

export interface FaultRule {
    method?: string;
    /** The request path, `/v5/...`. */
    path: string | RegExp;
    /** How many matching requests get the answer (default: all). */
    times?: number;
    answer: FaultAnswer;
}

export interface SeenRequest {
    method: string;
    path: string;
    headers: IncomingHttpHeaders;
    body: string;
}

export interface FaultProxy {
    /** e.g. `http://127.0.0.1:41234/v5` */
    readonly baseUrl: string;
    /** Requests the proxy answered itself (forwarded ones are the emulator's to record). */
    readonly faulted: SeenRequest[];
    addRule(rule: FaultRule): void;
    clearRules(): void;
    close(): Promise<void>;
}

export interface Recorder {
    /** e.g. `http://127.0.0.1:41235` */
    readonly url: string;
    readonly host: string;
    readonly requests: SeenRequest[];
    close(): Promise<void>;
}

async function readBody(stream: NodeJS.ReadableStream): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
}

const matches = (rule: FaultRule, method: string, path: string) =>
    (!rule.method || rule.method === method) && (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path));

/** A proxy to `targetBaseUrl` (the emulator's `.../v5`), answering matching requests itself. */
export async function startFaultProxy(targetBaseUrl: string): Promise<FaultProxy> {
    const target = new URL(targetBaseUrl);
    const rules: Array<FaultRule & { left: number }> = [];
    const faulted: SeenRequest[] = [];

    const server = createServer((request, response) => {
        void (async () => {
            const method = request.method ?? 'GET';
            const url = new URL(request.url ?? '/', 'http://proxy');
            const body = await readBody(request);
            const rule = rules.find((candidate) => candidate.left > 0 && matches(candidate, method, url.pathname));
            if (rule) {
                rule.left -= 1;
                faulted.push({ method, path: url.pathname, headers: request.headers, body });
                const { answer } = rule;
                if (answer.kind === 'redirect') {
                    response.writeHead(answer.status, { location: answer.location, 'content-length': '0' }).end();
                } else if (answer.kind === 'retry-after') {
                    const json = JSON.stringify({
                        code: answer.status === 429 ? 8 : 503,
                        message: answer.status === 429 ? 'Rate limit exceeded.' : 'Service unavailable.',
                    });
                    response.writeHead(answer.status, { 'content-type': 'application/json', 'retry-after': answer.retryAfter }).end(json);
                } else {
                    response
                        .writeHead(answer.status ?? 200, { 'content-type': 'text/html; charset=utf-8' })
                        .end('<!doctype html><html><body>Please sign in to the network</body></html>');
                }
                return;
            }
            const forwarded = httpRequest(
                { host: target.hostname, port: target.port, method, path: request.url, headers: { ...request.headers, host: target.host } },
                (upstream) => {
                    response.writeHead(upstream.statusCode ?? 502, upstream.headers);
                    upstream.pipe(response);
                },
            );
            forwarded.on('error', () => response.destroy());
            forwarded.end(body);
        })();
    });
    const port = await listen(server);
    return {
        baseUrl: `http://127.0.0.1:${port}${target.pathname}`,
        faulted,
        addRule: (rule) => rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
        clearRules: () => rules.splice(0),
        close: async () => close(server),
    };
}

/** A second local listener that records whatever reaches it: a redirect's target, which must receive nothing. */
export async function startRecorder(): Promise<Recorder> {
    const requests: SeenRequest[] = [];
    const server = createServer((request, response) => {
        void readBody(request).then((body) => {
            requests.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body });
            response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
    });
    const port = await listen(server);
    return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, requests, close: async () => close(server) };
}
