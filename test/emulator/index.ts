/**
 * A stateful, strict emulator of the parts of Pinterest API v5 the Actor uses.
 *
 * Every request is first checked against the committed OpenAPI subset (`openapi/pinterest-api-v5-subset.json`);
 * anything the real API would not accept is answered with 400 `{code: 1, message}` naming the offending field —
 * including unknown query parameters and unknown body properties, on purpose. Then, in order: injected faults,
 * authentication (`{code: 2}`), scopes read from the spec's `security` (`{code: 3}`), per-category rate limits
 * (`{code: 8}`), and finally the operation itself against in-memory state. See README.md in this folder.
 */
import { createHash, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import busboy from 'busboy';

import { ANALYTICS_HANDLERS } from './analytics.js';
import { ApiError, HANDLERS, MESSAGES, missingScopesError } from './handlers.js';
import type { HandlerContext, HandlerResult } from './handlers.js';
import { DEFAULT_RATE_LIMITS, RateLimiter } from './rate-limit.js';
import type { RateLimitHeaders, RateLimitPolicies, RateLimitWindow } from './rate-limit.js';
import { coerceScalar, describeAjvErrors, findPropertySchema, isObject, loadSpec, matchRoute, validateResponse } from './spec.js';
import type { LoadedSpec, OperationInfo, RouteMatch } from './spec.js';
import { EmulatorState, knownScopes } from './state.js';
import type { AccessTokenRecord, BusinessAccessNeed, EmulatorApp, ListingLag, MediaRecord } from './state.js';

export { BUSINESS_ACCESS_RULES, DEFAULT_MEDIA_PROCESSING_POLLS, EmulatorState } from './state.js';
export type {
    AccountType,
    ApiAccount,
    ApiBoard,
    ApiBoardSection,
    ApiMedia,
    ApiPin,
    ApiPinMedia,
    ApiVideoMedia,
    BoardPrivacy,
    BusinessAccessNeed,
    BusinessPermission,
    EmulatorAdAccount,
    EmulatorApp,
    EmulatorUser,
    Environment,
    IssuedTokens,
    IssueTokensOptions,
    ListingLag,
    MediaInfo,
    MediaStatus,
    MediaUploadReceipt,
    PinMetrics,
    PinSeed,
} from './state.js';
export { DEFAULT_RATE_LIMITS } from './rate-limit.js';
export type { RateLimitPolicies, RateLimitWindow } from './rate-limit.js';
export { validateResponse } from './spec.js';
export { analyticsSettings } from './analytics.js';

export type FaultKind =
    | 'rate-limit'
    | 'spam'
    | 'server-error'
    | 'slow'
    | 'drop'
    | 'drop-after-commit'
    | 'expire-token'
    | 'server-error-after-commit'
    | 'redirect'
    | 'retry-after'
    | 'html';

export interface FaultSpec {
    /** Which requests the fault applies to. `path` strings match the request path with or without the `/v5` prefix. */
    match?: { method?: string; path?: string | RegExp };
    /** Let the first N matching requests through. */
    skip?: number;
    /** How many matching requests get the fault (default 1). */
    times?: number;
    kind: FaultKind;
    /**
     * `server-error` and `server-error-after-commit`: 500 (default), 502 or 503. `redirect`: 302 (default), 301, 303,
     * 307 or 308. `retry-after`: 429 (default) or 503. `html`: 200 (default) or any status.
     */
    status?: number;
    /** For `rate-limit`: the `X-RateLimit-Reset` value (default 0). */
    resetSeconds?: number;
    /** For `slow`: how long to hold the (already processed) response. */
    delayMs?: number;
    /** For `redirect` (required): the absolute URL sent as `Location`. */
    location?: string;
    /** For `retry-after`: the `Retry-After` value in seconds (default 1); a 429 also gets it as `X-RateLimit-Reset`. */
    retryAfterSeconds?: number;
    /** For `retry-after` with 429: leave `X-RateLimit-Reset` out (only `Retry-After` tells when to come back). */
    omitRateLimitReset?: boolean;
    /** For `html`: the page to send (default: a small "502 Bad Gateway"-style proxy page). */
    html?: string;
}

export interface RecordedRequest {
    method: string;
    /** Request path without the query string, e.g. `/v5/boards/701000000000000002/pins`. */
    path: string;
    query: Record<string, string | string[]>;
    /** Parsed body (JSON or form fields; secrets in form bodies are cut to their last 4 characters). */
    body: unknown;
    status: number | 'dropped';
    /** The operation's `x-ratelimit-category`, or null when no operation matched. */
    category: string | null;
    /** Last 4 characters of the bearer token, if one was sent. */
    tokenSuffix?: string;
    operationId?: string;
    /** The `x-pinterest-rid` sent (or that would have been sent) with the response. */
    rid: string;
    /** The injected fault that hit this request, if any. */
    fault?: FaultKind;
    /** Whether the request carried an `Authorization` header of any kind. */
    authorization: boolean;
}

export interface StartEmulatorOptions {
    /** Default 0 (an ephemeral port). */
    port?: number;
    /** Millisecond clock for token expiry and rate-limit windows. Default `Date.now`. */
    now?: () => number;
    /** Override the rate-limit windows (e.g. to make exhaustion cheap in a test). */
    rateLimits?: Partial<RateLimitPolicies>;
    /**
     * Check every response the emulator produces against the spec's response schema and answer 500 (with the
     * violations in `message`) if it does not match. Default true: the emulator must never say what the API can't.
     */
    validateResponses?: boolean;
    /** `GET /media/{media_id}` answers that say `processing` after an upload, before `succeeded`/`failed` (default 2). */
    mediaProcessingPolls?: number;
    /** Keep pins created through `POST /pins` out of list answers for a while (default: no lag). */
    listingLag?: ListingLag;
    /** Network latency to emulate: every answer is held this long (after processing) before it is sent. Default 0. */
    latencyMs?: number;
}

export interface PinterestEmulator {
    /** e.g. `http://127.0.0.1:41234/v5` */
    readonly baseUrl: string;
    /** e.g. `http://127.0.0.1:41234`; media upload URLs are `${origin}/media-uploads/<media_id>`. */
    readonly origin: string;
    readonly state: EmulatorState;
    readonly requests: RecordedRequest[];
    /** The version of the OpenAPI description the emulator validates against. */
    readonly specVersion: string;
    injectFault(fault: FaultSpec): void;
    clearFaults(): void;
    requestsTo(method: string, path: string | RegExp): RecordedRequest[];
    resetRequests(): void;
    /** Forget all rate-limit counters. */
    resetRateLimits(): void;
    close(): Promise<void>;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;
const SECRET_FORM_FIELDS = new Set(['refresh_token', 'code', 'access_token', 'client_secret']);

let ridCounter = 0;
const ridBase = randomInt(100_000, 999_999);
function nextRid(): string {
    ridCounter += 1;
    return `${ridBase}${String(ridCounter).padStart(10, '0')}`;
}

function suffix(secret: string): string {
    return secret.slice(-4);
}

/** Cuts anything that looks like a Pinterest token down to its last 4 characters. */
function redact(text: string): string {
    return text.replace(/pin[ar]_[A-Za-z0-9._~-]+/g, (token) => `…${suffix(token)}`);
}

interface PendingFault {
    spec: FaultSpec;
    skip: number;
    times: number;
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
    if (typeof pattern !== 'string') {
        pattern.lastIndex = 0;
        return pattern.test(path);
    }
    return pattern === path || `/v5${pattern}` === path;
}

interface Reply {
    status: number | 'dropped';
    body?: unknown;
    headers?: Record<string, string>;
    delayMs?: number;
    /** A non-JSON body, sent as is with {@link contentType}; never checked against the spec. */
    rawBody?: string;
    contentType?: string;
    /** Fault answers outside the spec (redirects) are not checked against it. */
    skipValidation?: boolean;
}

/** Pinterest's consent page (`https://www.pinterest.com/oauth/`), served at the emulator's origin. */
const CONSENT_PATH = /^\/oauth\/?$/;

/** Where `POST /media` tells clients to upload: a stand-in for Pinterest's presigned S3 POST. */
const UPLOAD_PATH = /^\/media-uploads\/([^/]+)$/;
const UPLOAD_FAULT_KINDS = new Set<FaultKind>(['drop', 'server-error']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_HTML_PAGE =
    '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
    '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

function serverErrorMessage(status: number): string {
    if (status === 503) return 'Service Unavailable. Please try again later.';
    if (status === 502) return 'Bad Gateway.';
    return 'Internal Server Error. Please try again later.';
}

function xmlEscape(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An error the way S3 answers a browser-based POST upload. */
function s3Error(status: number, code: string, message: string, rid: string): Reply {
    return {
        status,
        contentType: 'application/xml',
        rawBody: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${rid}</RequestId></Error>`,
    };
}

interface ParsedUpload {
    /** Fields before the `file` part (S3 ignores everything after it). */
    fields: Map<string, string>;
    file?: { bytes: number; sha256: string; filename: string; contentType: string };
    fileParts: number;
}

/** Why an upload body could not be read: not multipart at all, or broken multipart. */
class UploadParseError extends Error {
    constructor(
        readonly notMultipart: boolean,
        cause: unknown,
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
    }
}

/** Streams a multipart/form-data body: fields are kept, the file is only counted and hashed. */
function parseUpload(req: IncomingMessage): Promise<ParsedUpload> {
    return new Promise((resolve, reject) => {
        let parser: busboy.Busboy;
        try {
            parser = busboy({ headers: req.headers, limits: { fields: 100, fieldSize: 256 * 1024 } });
        } catch (error) {
            reject(new UploadParseError(true, error));
            return;
        }
        const parsed: ParsedUpload = { fields: new Map(), fileParts: 0 };
        const files: Promise<void>[] = [];
        parser.on('field', (name, value) => {
            if (parsed.fileParts > 0) return;
            if (name === 'file') {
                // S3 also takes the content as a plain form field.
                parsed.fileParts = 1;
                const bytes = Buffer.from(value, 'utf8');
                parsed.file = {
                    bytes: bytes.length,
                    sha256: createHash('sha256').update(bytes).digest('hex'),
                    filename: '',
                    contentType: 'text/plain',
                };
                return;
            }
            parsed.fields.set(name, value);
        });
        parser.on('file', (name, stream, info) => {
            parsed.fileParts += 1;
            if (name !== 'file' || parsed.fileParts > 1) {
                if (parsed.fileParts === 1) parsed.fields.set(name, info.filename ?? '');
                stream.resume();
                return;
            }
            const hash = createHash('sha256');
            let bytes = 0;
            stream.on('data', (chunk: Buffer) => {
                bytes += chunk.length;
                hash.update(chunk);
            });
            files.push(
                new Promise((done) => {
                    stream.on('end', () => {
                        parsed.file = { bytes, sha256: hash.digest('hex'), filename: info.filename ?? '', contentType: info.mimeType };
                        done();
                    });
                }),
            );
        });
        parser.on('error', (error: unknown) => reject(new UploadParseError(false, error)));
        parser.on('close', () => {
            Promise.all(files).then(() => resolve(parsed), reject);
        });
        req.pipe(parser);
    });
}

class Emulator implements PinterestEmulator {
    readonly state: EmulatorState;
    readonly requests: RecordedRequest[] = [];
    readonly specVersion: string;
    baseUrl = '';
    origin = '';
    private readonly spec: LoadedSpec;
    private readonly limiter: RateLimiter;
    private faults: PendingFault[] = [];
    /** Pending `slow` responses: their timers and a way to release them early on close(). */
    private readonly delayed = new Map<NodeJS.Timeout, () => void>();
    private readonly validateResponses: boolean;
    readonly server: Server;

    constructor(private readonly options: StartEmulatorOptions) {
        const now = options.now ?? Date.now;
        this.spec = loadSpec();
        this.specVersion = this.spec.version;
        this.state = new EmulatorState(now);
        if (options.mediaProcessingPolls !== undefined) this.state.mediaProcessingPolls = options.mediaProcessingPolls;
        if (options.listingLag) this.state.setListingLag(options.listingLag);
        this.limiter = new RateLimiter(now, {
            standard: { ...DEFAULT_RATE_LIMITS.standard, ...options.rateLimits?.standard },
            trial: options.rateLimits?.trial ?? DEFAULT_RATE_LIMITS.trial,
        });
        this.validateResponses = options.validateResponses ?? true;
        this.server = createServer((req, res) => {
            this.handle(req, res).catch((error: unknown) => {
                if (!res.headersSent && !res.destroyed) {
                    res.writeHead(500, { 'Content-Type': 'application/json' });
                    res.end(JSON.stringify({ code: 500, message: `Emulator crashed: ${String(error)}` }));
                }
            });
        });
    }

    async listen(): Promise<void> {
        await new Promise<void>((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
        });
        const { port } = this.server.address() as AddressInfo;
        this.origin = `http://127.0.0.1:${port}`;
        this.baseUrl = `${this.origin}/v5`;
    }

    injectFault(fault: FaultSpec): void {
        if (fault.kind === 'redirect') {
            if (!fault.location || !URL.canParse(fault.location)) throw new Error('A redirect fault needs an absolute `location` URL.');
            if (fault.status !== undefined && !REDIRECT_STATUSES.has(fault.status))
                throw new Error(`A redirect fault's status must be one of ${[...REDIRECT_STATUSES].join(', ')}.`);
        }
        if (fault.kind === 'retry-after' && fault.status !== undefined && fault.status !== 429 && fault.status !== 503) {
            throw new Error("A retry-after fault's status must be 429 or 503.");
        }
        this.faults.push({ spec: fault, skip: fault.skip ?? 0, times: fault.times ?? 1 });
    }

    clearFaults(): void {
        this.faults = [];
    }

    requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
        return this.requests.filter((r) => r.method === method.toUpperCase() && pathMatches(path, r.path));
    }

    resetRequests(): void {
        this.requests.length = 0;
    }

    resetRateLimits(): void {
        this.limiter.reset();
    }

    async close(): Promise<void> {
        for (const [timer, release] of this.delayed) {
            clearTimeout(timer);
            release();
        }
        this.delayed.clear();
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    // ------------------------------------------------------------ pipeline

    /** `forUpload`: only `drop` and `server-error` faults whose `match.path` names this path (the non-API upload URL). */
    private takeFault(method: string, path: string, forUpload = false): FaultSpec | undefined {
        for (const pending of this.faults) {
            const match = pending.spec.match ?? {};
            if (match.method && match.method.toUpperCase() !== method) continue;
            if (match.path !== undefined && !pathMatches(match.path, path)) continue;
            if (forUpload && (match.path === undefined || !UPLOAD_FAULT_KINDS.has(pending.spec.kind))) continue;
            if (pending.skip > 0) {
                pending.skip -= 1;
                continue;
            }
            pending.times -= 1;
            if (pending.times <= 0) this.faults = this.faults.filter((f) => f !== pending);
            return pending.spec;
        }
        return undefined;
    }

    private async readBody(req: IncomingMessage): Promise<Buffer> {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req) {
            const buffer = chunk as Buffer;
            size += buffer.length;
            if (size > MAX_BODY_BYTES) throw new ApiError(413, 1, 'Request body too large.');
            chunks.push(buffer);
        }
        return Buffer.concat(chunks);
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = (req.method ?? 'GET').toUpperCase();
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const rawQuery: Record<string, string | string[]> = {};
        for (const key of new Set(url.searchParams.keys())) {
            const values = url.searchParams.getAll(key);
            rawQuery[key] = values.length === 1 ? redact(values[0] ?? '') : values.map(redact);
        }
        const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const record: RecordedRequest = {
            method,
            path: url.pathname,
            query: rawQuery,
            body: undefined,
            status: 0,
            category: null,
            rid: nextRid(),
            ...(bearer ? { tokenSuffix: suffix(bearer) } : {}),
            authorization: req.headers.authorization !== undefined,
        };
        if (CONSENT_PATH.test(url.pathname)) {
            this.requests.push(record);
            await this.send(res, record, this.consent(record.method, url));
            return;
        }
        const upload = UPLOAD_PATH.exec(url.pathname);
        if (upload) {
            this.requests.push(record);
            try {
                await this.handleUpload(req, res, record, upload[1] ?? '');
            } catch (error) {
                record.status = 500;
                throw error;
            }
            return;
        }
        let raw: Buffer;
        try {
            raw = await this.readBody(req);
        } catch {
            raw = Buffer.alloc(0);
        }
        this.requests.push(record);
        try {
            await this.send(res, record, this.process(req, record, url, raw, bearer));
        } catch (error) {
            record.status = 500;
            throw error;
        }
    }

    private process(
        req: IncomingMessage,
        record: RecordedRequest,
        url: URL,
        raw: Buffer,
        bearer: string | undefined,
    ): Reply | { commit: () => Reply; fault: FaultSpec } {
        const route = matchRoute(this.spec, record.method, url.pathname);
        if (route.kind !== 'operation') {
            // No operation, so no category: show the caller's org_read budget (not counted).
            const identity = this.identify('org_read', bearer, parseBasic(req.headers.authorization)?.appId);
            const reply = this.unrouted(route, record, url, raw);
            return { ...reply, headers: { ...this.limiter.peek(identity.key, identity.windows), ...reply.headers } };
        }
        const { operation } = route;
        record.category = operation.rateLimitCategory;
        record.operationId = operation.operationId;
        const basic = parseBasic(req.headers.authorization);
        const identity = this.identify(operation.rateLimitCategory, bearer, basic?.appId);
        const withLimits = (reply: Reply, headers?: RateLimitHeaders): Reply => ({
            ...reply,
            headers: { ...(headers ?? this.limiter.peek(identity.key, identity.windows)), ...reply.headers },
        });

        // 1. Validate against the spec.
        let validated: { query: Record<string, unknown>; pathParams: Record<string, string>; body: unknown };
        try {
            validated = this.validate(operation, route.pathParams, url, req, raw, record);
        } catch (error) {
            if (error instanceof ApiError) return withLimits(errorReply(error));
            throw error;
        }

        // 2. Injected faults.
        const fault = this.takeFault(record.method, url.pathname);
        if (fault) {
            record.fault = fault.kind;
            switch (fault.kind) {
                case 'rate-limit': {
                    const headers = this.limiter.peek(identity.key, identity.windows);
                    return withLimits(
                        { status: 429, body: { code: 8, message: MESSAGES.rateLimited } },
                        {
                            ...headers,
                            'X-RateLimit-Remaining': '0',
                            'X-RateLimit-Reset': String(fault.resetSeconds ?? 0),
                        },
                    );
                }
                case 'spam':
                    return withLimits({ status: 429, body: { code: 8, message: MESSAGES.spam } });
                case 'server-error': {
                    const status = fault.status ?? 500;
                    return withLimits({ status, body: { code: status, message: serverErrorMessage(status) } });
                }
                case 'redirect':
                    return withLimits({ status: fault.status ?? 302, headers: { Location: fault.location ?? '' }, skipValidation: true });
                case 'retry-after': {
                    const status = fault.status ?? 429;
                    const seconds = String(fault.retryAfterSeconds ?? 1);
                    if (status !== 429)
                        return withLimits({
                            status,
                            body: { code: status, message: serverErrorMessage(status) },
                            headers: { 'Retry-After': seconds },
                        });
                    const headers: Record<string, string> = {
                        ...this.limiter.peek(identity.key, identity.windows),
                        'X-RateLimit-Remaining': '0',
                        'X-RateLimit-Reset': seconds,
                        'Retry-After': seconds,
                    };
                    if (fault.omitRateLimitReset) delete headers['X-RateLimit-Reset'];
                    return { status: 429, body: { code: 8, message: MESSAGES.rateLimited }, headers };
                }
                case 'html':
                    // A page from something in front of the API (proxy, captive portal): no rate-limit headers.
                    return { status: fault.status ?? 200, rawBody: fault.html ?? DEFAULT_HTML_PAGE, contentType: 'text/html; charset=utf-8' };
                case 'drop':
                    return { status: 'dropped' };
                case 'expire-token':
                    if (bearer) this.state.expireAccessToken(bearer);
                    return withLimits({ status: 401, body: { code: 2, message: MESSAGES.authFailed } });
                case 'slow':
                case 'drop-after-commit':
                case 'server-error-after-commit':
                    break;
            }
        }

        // 3.–5. Authenticate, authorise, rate-limit, run.
        const commit = (): Reply => {
            try {
                const { token, app } = this.authenticate(operation, bearer, basic);
                const decision = this.limiter.consume(identity.key, identity.windows);
                if (!decision.allowed) return withLimits({ status: 429, body: { code: 8, message: MESSAGES.rateLimited } }, decision.headers);
                const ctx: HandlerContext = {
                    state: this.state,
                    operation,
                    pathParams: validated.pathParams,
                    query: validated.query,
                    body: validated.body,
                    now: this.state.now,
                    origin: this.origin,
                    ...(token ? { token } : {}),
                    ...(app ? { app } : {}),
                };
                if (token && validated.query.ad_account_id !== undefined) {
                    ctx.token = this.actingFor(operation, token, String(validated.query.ad_account_id));
                }
                const handler = HANDLERS[operation.operationId] ?? ANALYTICS_HANDLERS[operation.operationId];
                if (!handler) throw new ApiError(501, 1, `Operation ${operation.operationId} is not implemented by the emulator.`);
                const result: HandlerResult = handler(ctx);
                return withLimits({ status: result.status, body: result.body }, decision.headers);
            } catch (error) {
                if (error instanceof ApiError) return withLimits(errorReply(error));
                throw error;
            }
        };
        if (fault) return { commit, fault };
        return commit();
    }

    /**
     * The media upload endpoint (`upload_url` of `POST /media`), modelled on an S3 browser-based POST: a
     * multipart/form-data body holding exactly the `upload_parameters` as fields, then a `file` part. It needs no
     * Authorization header (whether one came is recorded) and answers 204; errors are S3-style XML.
     */
    private async handleUpload(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, mediaId: string): Promise<void> {
        const fault = this.takeFault(record.method, record.path, true);
        if (fault) record.fault = fault.kind;
        if (fault?.kind === 'drop') {
            record.status = 'dropped';
            req.socket.destroy();
            return;
        }
        const finish = (reply: Reply): void => {
            const payload = reply.rawBody ?? '';
            record.status = reply.status;
            if (res.destroyed) return;
            res.writeHead(reply.status as number, {
                ...(payload ? { 'Content-Type': reply.contentType ?? 'application/xml' } : {}),
                'Content-Length': String(Buffer.byteLength(payload)),
                'x-amz-request-id': record.rid,
            });
            res.end(payload);
        };
        const drain = async (): Promise<void> => {
            for await (const _chunk of req) {
                // discard
            }
        };
        if (record.method !== 'POST') {
            await drain();
            finish(s3Error(405, 'MethodNotAllowed', `The specified method is not allowed against this resource: ${record.method}.`, record.rid));
            return;
        }
        let parsed: ParsedUpload;
        try {
            parsed = await parseUpload(req);
        } catch (error) {
            if (!(error instanceof UploadParseError)) throw error;
            req.unpipe();
            await drain().catch(() => undefined);
            finish(
                error.notMultipart
                    ? s3Error(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data.', record.rid)
                    : s3Error(
                          400,
                          'MalformedPOSTRequest',
                          `The body of your POST request is not well-formed multipart/form-data (${error.message}).`,
                          record.rid,
                      ),
            );
            return;
        }
        record.body = {
            fields: Object.fromEntries(
                [...parsed.fields].map(([k, v]) => [
                    k,
                    k.toLowerCase().includes('token') || k.toLowerCase().includes('signature') ? `…${suffix(v)}` : v,
                ]),
            ),
            ...(parsed.file ? { file: { filename: parsed.file.filename, bytes: parsed.file.bytes, contentType: parsed.file.contentType } } : {}),
        };
        if (fault?.kind === 'server-error') {
            const status = fault.status ?? 500;
            finish(
                s3Error(
                    status,
                    status === 503 ? 'SlowDown' : 'InternalError',
                    status === 503 ? 'Please reduce your request rate.' : 'We encountered an internal error. Please try again.',
                    record.rid,
                ),
            );
            return;
        }
        const media = this.state.mediaRecord(mediaId);
        const problem = media
            ? this.uploadPolicyProblem(media, parsed)
            : { code: 'AccessDenied', message: 'Invalid according to Policy: no upload was registered for this URL.' };
        if (problem) {
            finish(s3Error(403, problem.code, problem.message, record.rid));
            return;
        }
        if (!parsed.file || !media) {
            finish(
                s3Error(
                    400,
                    'InvalidArgument',
                    "POST requires exactly one file upload per request (a part named 'file', after the other fields).",
                    record.rid,
                ),
            );
            return;
        }
        this.state.recordUpload(media, { ...parsed.file, authorizationHeader: record.authorization, receivedAt: this.state.now() });
        finish({ status: 204 });
    }

    /** What S3 would object to in the form fields, or undefined when they match the upload's policy exactly. */
    private uploadPolicyProblem(media: MediaRecord, parsed: ParsedUpload): { code: string; message: string } | undefined {
        const denied = (message: string) => ({ code: 'AccessDenied', message });
        if (this.state.now() > media.uploadExpiresAt) return denied('Invalid according to Policy: Policy expired.');
        const sent = new Map([...parsed.fields].map(([name, value]) => [name.toLowerCase(), value]));
        for (const [name, expected] of Object.entries(media.uploadParameters)) {
            const value = sent.get(name.toLowerCase());
            if (value === undefined) return denied(`Invalid according to Policy: Policy Condition failed: field '${name}' is missing.`);
            if (value !== expected) {
                return name === 'x-amz-signature' || name === 'policy'
                    ? { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' }
                    : denied(`Invalid according to Policy: Policy Condition failed: ["eq", "$${name}", …] (field '${name}' has another value).`);
            }
        }
        const expectedNames = new Set(Object.keys(media.uploadParameters).map((n) => n.toLowerCase()));
        const extra = [...sent.keys()].filter((name) => !expectedNames.has(name) && !name.startsWith('x-ignore-'));
        if (extra.length > 0) return denied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
        return undefined;
    }

    /**
     * The consent page, answered as if the user named by the emulator-only `username` parameter had signed in and
     * chosen "Give access" (or, with `decision=deny`, refused): a 302 to `redirect_uri` with `code` and `state`
     * (or `error=access_denied`). What the real page would refuse before asking (an unknown app, an unregistered
     * redirect URI, unknown scopes) is a 400 here, without a redirect.
     */
    private consent(method: string, url: URL): Reply {
        const refuse = (message: string): Reply => ({ status: 400, body: { code: 1, message }, skipValidation: true });
        if (method !== 'GET') return refuse(`The consent page is opened with GET, not ${method}.`);
        const param = (name: string) => url.searchParams.get(name) ?? '';
        const app = this.state.getApp(param('client_id'));
        if (!app) return refuse(`Unknown client_id '${param('client_id')}'.`);
        if (param('response_type') !== 'code') return refuse("response_type must be 'code'.");
        const redirectUri = param('redirect_uri');
        if (!URL.canParse(redirectUri)) return refuse('redirect_uri must be an absolute URL.');
        if (app.redirectUris && !app.redirectUris.includes(redirectUri)) {
            return refuse(`redirect_uri '${redirectUri}' is not registered for app ${app.appId}.`);
        }
        const scopes = param('scope')
            .split(',')
            .map((scope) => scope.trim())
            .filter(Boolean);
        const known = knownScopes();
        const unknown = scopes.filter((scope) => !known.has(scope));
        if (scopes.length === 0 || unknown.length > 0)
            return refuse(`scope must list known scopes, comma-separated (unknown: ${unknown.join(', ') || 'none given'}).`);
        const user = this.state.findUserByUsername(param('username'));
        if (!user) return refuse(`The emulator's consent page needs username=<an emulated user>, not '${param('username')}'.`);
        const target = new URL(redirectUri);
        if (param('decision') === 'deny') target.searchParams.set('error', 'access_denied');
        else target.searchParams.set('code', this.state.mintAuthorizationCode({ appId: app.appId, userId: user.id, scopes, redirectUri }));
        if (url.searchParams.has('state')) target.searchParams.set('state', param('state'));
        return { status: 302, headers: { Location: target.toString() }, skipValidation: true };
    }

    private unrouted(route: Exclude<RouteMatch, { kind: 'operation' }>, record: RecordedRequest, url: URL, raw: Buffer): Reply {
        record.body = raw.length > 0 ? redact(raw.toString('utf8')) : undefined;
        if (route.kind === 'not-found') return { status: 404, body: { code: 404, message: `Resource not found: ${url.pathname}` } };
        return {
            status: 405,
            body: {
                code: 405,
                message: `Method ${record.method} is not allowed for ${url.pathname} (the emulator serves: ${route.allowed.join(', ')}).`,
            },
            headers: { Allow: route.allowed.join(', ') },
        };
    }

    private identify(category: string, bearer: string | undefined, basicAppId: string | undefined): { key: string; windows: RateLimitWindow[] } {
        const token = bearer ? this.state.lookupAccessToken(bearer) : undefined;
        const appId = token?.appId ?? basicAppId;
        const app = appId ? this.state.getApp(appId) : undefined;
        if (app?.trial) return { key: `trial|${app.appId}`, windows: this.limiter.windowsFor(category, true) };
        if (token) return { key: `user|${token.userId}|app|${token.appId}|${category}`, windows: this.limiter.windowsFor(category, false) };
        if (app) return { key: `app|${app.appId}|${category}`, windows: this.limiter.windowsFor(category, false) };
        return { key: `anonymous|${category}`, windows: this.limiter.windowsFor(category, false) };
    }

    private authenticate(
        operation: OperationInfo,
        bearer: string | undefined,
        basic: { appId: string; secret: string } | undefined,
    ): { token?: AccessTokenRecord; app?: EmulatorApp } {
        const schemes = operation.security.flatMap((alt) => alt.schemes);
        if (schemes.length === 0) return {};
        if (schemes.some((s) => s.type === 'basic')) {
            const app = basic ? this.state.getApp(basic.appId) : undefined;
            if (!app || !basic || app.appSecret !== basic.secret) throw new ApiError(401, 2, MESSAGES.authFailed);
            return { app };
        }
        const token = bearer ? this.state.lookupAccessToken(bearer) : undefined;
        if (!token || this.state.now() >= token.expiresAt) throw new ApiError(401, 2, MESSAGES.authFailed);
        // User tokens are checked against the OAuth 2 (authorization code) alternative.
        const alternative = operation.security.find((alt) => alt.schemes.some((s) => s.name === 'pinterest_oauth2')) ?? operation.security[0];
        const required = alternative?.schemes.flatMap((s) => s.scopes) ?? [];
        const missing = required.filter((scope) => !token.scopes.includes(scope));
        if (missing.length > 0) throw missingScopesError(missing);
        return { token };
    }

    /**
     * Business Access: with `ad_account_id` the request acts on the ad account owner's Pinterest account, if the
     * token's user owns the ad account or has a permission on it that covers the operation. Refusals are 403, with
     * the body the spec gives the operation (`user_account` ones: code 403 and their own message; others: code 29).
     */
    private actingFor(operation: OperationInfo, token: AccessTokenRecord, adAccountId: string): AccessTokenRecord {
        const need: BusinessAccessNeed =
            operation.method !== 'GET' ? 'write' : operation.rateLimitCategory === 'org_analytics' ? 'analytics' : 'read';
        const access = this.state.businessAccess(token.userId, adAccountId, need);
        if (access.ok) return { ...token, userId: access.ownerId };
        if (operation.operationId === 'user_account/get') throw new ApiError(403, 403, MESSAGES.userAccountNotAuthorized);
        if (operation.operationId.startsWith('user_account/analytics')) throw new ApiError(403, 403, MESSAGES.userAccountAnalyticsNotAuthorized);
        throw new ApiError(403, 29, MESSAGES.notPermitted);
    }

    private validate(
        operation: OperationInfo,
        rawPathParams: Record<string, string>,
        url: URL,
        req: IncomingMessage,
        raw: Buffer,
        record: RecordedRequest,
    ): { query: Record<string, unknown>; pathParams: Record<string, string>; body: unknown } {
        const bodyText = raw.toString('utf8');
        record.body = raw.length > 0 ? redact(bodyText) : undefined;
        // Query parameters: unknown ones are refused (stricter than Pinterest, to catch typos).
        const declared = new Map(operation.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
        for (const key of new Set(url.searchParams.keys())) {
            if (!declared.has(key)) {
                throw new ApiError(
                    400,
                    1,
                    `Unknown query parameter '${key}'. ${operation.method} /v5${operation.path} accepts: ${[...declared.keys()].join(', ') || 'none'}.`,
                );
            }
        }
        const query: Record<string, unknown> = {};
        for (const param of declared.values()) {
            const values = url.searchParams.getAll(param.name);
            if (values.length === 0) {
                if (param.required) throw new ApiError(400, 1, `Missing required query parameter '${param.name}'.`);
                continue;
            }
            let value: unknown;
            if (param.kind === 'array') {
                value = values.flatMap((v) => v.split(',')).map((v) => coerceScalar(v, param.itemKind));
            } else {
                if (values.length > 1) throw new ApiError(400, 1, `Invalid query parameter '${param.name}': must not be repeated.`);
                value = coerceScalar(values[0] ?? '', param.kind === 'unknown' || param.kind === 'object' ? 'string' : param.kind);
            }
            if (!param.validate(value))
                throw new ApiError(400, 1, describeAjvErrors(param.validate.errors, `Invalid query parameter '${param.name}'`));
            query[param.name] = value;
        }
        // Path parameters.
        const pathParams: Record<string, string> = {};
        for (const param of operation.parameters.filter((p) => p.in === 'path')) {
            let value: string;
            try {
                value = decodeURIComponent(rawPathParams[param.name] ?? '');
            } catch {
                throw new ApiError(400, 1, `Invalid path parameter '${param.name}': malformed percent-encoding.`);
            }
            const coerced = coerceScalar(
                value,
                param.kind === 'array' || param.kind === 'unknown' || param.kind === 'object' ? 'string' : param.kind,
            );
            if (!param.validate(coerced))
                throw new ApiError(400, 1, describeAjvErrors(param.validate.errors, `Invalid path parameter '${param.name}'`));
            pathParams[param.name] = value;
        }
        // Body.
        const spec = operation.requestBody;
        if (!spec) {
            if (raw.length > 0) throw new ApiError(400, 1, `${operation.method} /v5${operation.path} does not take a request body.`);
            return { query, pathParams, body: undefined };
        }
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        const media = spec.content.get(contentType);
        if (!media) {
            throw new ApiError(400, 1, `Unsupported Content-Type '${contentType || '(none)'}': expected ${[...spec.content.keys()].join(' or ')}.`);
        }
        if (raw.length === 0) {
            if (spec.required) throw new ApiError(400, 1, 'Missing request body.');
            return { query, pathParams, body: undefined };
        }
        let body: unknown;
        if (contentType === 'application/x-www-form-urlencoded') {
            const form = new URLSearchParams(bodyText);
            const fields: Record<string, unknown> = {};
            const shown: Record<string, string> = {};
            for (const key of new Set(form.keys())) {
                const values = form.getAll(key);
                if (values.length > 1) throw new ApiError(400, 1, `Invalid request body: field '${key}' must not be repeated.`);
                fields[key] = values[0] ?? '';
                shown[key] = SECRET_FORM_FIELDS.has(key) ? `…${suffix(values[0] ?? '')}` : (values[0] ?? '');
            }
            record.body = shown;
            for (const [key, value] of Object.entries(fields)) {
                const schema = findPropertySchema(this.spec.resolveSchema, media.schema, key, fields);
                if (!schema) continue;
                const kind = this.spec.resolveSchema(schema).type;
                if (kind === 'integer' || kind === 'number' || kind === 'boolean') fields[key] = coerceScalar(String(value), kind);
            }
            body = fields;
        } else {
            try {
                body = JSON.parse(bodyText);
            } catch {
                throw new ApiError(400, 1, 'Invalid request body: not valid JSON.');
            }
            record.body = body;
        }
        if (!media.validate(body)) throw new ApiError(400, 1, describeAjvErrors(media.validate.errors, 'Invalid request body'));
        return { query, pathParams, body };
    }

    private async send(res: ServerResponse, record: RecordedRequest, outcome: Reply | { commit: () => Reply; fault: FaultSpec }): Promise<void> {
        let reply: Reply;
        let dropAfter = false;
        let delayMs = this.options.latencyMs ?? 0;
        if ('commit' in outcome) {
            reply = outcome.commit();
            if (outcome.fault.kind === 'drop-after-commit') dropAfter = true;
            if (outcome.fault.kind === 'slow') delayMs += outcome.fault.delayMs ?? 0;
            if (outcome.fault.kind === 'server-error-after-commit') {
                // The operation ran (whatever its outcome); the client only sees a 5xx.
                const status = outcome.fault.status ?? 500;
                reply = { status, body: { code: status, message: serverErrorMessage(status) }, ...(reply.headers ? { headers: reply.headers } : {}) };
            }
        } else {
            reply = outcome;
        }
        if (reply.status === 'dropped' || dropAfter) {
            record.status = 'dropped';
            res.socket?.destroy();
            return;
        }
        let status = reply.status;
        let body = reply.body;
        if (this.validateResponses && record.operationId && body !== undefined && reply.rawBody === undefined && !reply.skipValidation) {
            const problems = validateResponse(record.operationId, status, body);
            if (problems.length > 0) {
                status = 500;
                body = { code: 500, message: `Emulator bug: response for ${record.operationId} violates the spec: ${problems.join('; ')}` };
            }
        }
        record.status = status;
        if (delayMs > 0) {
            await new Promise<void>((resolve) => {
                const timer = setTimeout(() => {
                    this.delayed.delete(timer);
                    resolve();
                }, delayMs);
                this.delayed.set(timer, resolve);
            });
        }
        if (res.destroyed) return;
        const payload = reply.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
        res.writeHead(status, {
            ...reply.headers,
            'Content-Type': reply.contentType ?? 'application/json',
            'Content-Length': String(Buffer.byteLength(payload)),
            'x-pinterest-rid': record.rid,
        });
        res.end(payload);
    }
}

function parseBasic(header: string | undefined): { appId: string; secret: string } | undefined {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
    if (!match?.[1]) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { appId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function errorReply(error: ApiError): Reply {
    return { status: error.status, body: { code: error.code, message: error.message } };
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<PinterestEmulator> {
    const emulator = new Emulator(options);
    await emulator.listen();
    return emulator;
}

/** True when a value looks like Pinterest's `{code, message}` error body. */
export function isPinterestError(value: unknown): value is { code: number; message: string } {
    return isObject(value) && typeof value.code === 'number' && typeof value.message === 'string';
}
