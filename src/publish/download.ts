import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { BlockList, type LookupFunction, isIP } from 'node:net';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';

import got, { HTTPError, MaxRedirectsError, RequestError } from 'got';

import { ActorError } from '../common/errors.js';

/**
 * Downloads of user-supplied files (a CSV of pins, a video) go to a temporary file first: the file is never held
 * in memory, and the download's timeout does not depend on how slowly the caller consumes it afterwards.
 */

/** A download failed; the message names the input field and the URL (without its query, which may hold a signature). */
export class DownloadError extends ActorError {
    override name = 'DownloadError';
}

export interface DownloadOptions {
    /** The input field the URL came from, for messages: `pinsCsvUrl`, `videoUrl`. */
    fieldName: string;
    /** What the file is, for messages: "CSV file", "video". */
    what: string;
    maxBytes: number;
    /** One deadline for the whole download: every attempt, redirect and wait between attempts included. */
    timeoutMs: number;
    /** A connection that stays silent this long is given up (a stalled host fails long before `timeoutMs`). */
    idleTimeoutMs?: number;
    tempDir?: string;
    /** Attempts for failures that a retry can fix (connection errors, 5xx, 408, 429); downloads are GETs, safe to repeat. */
    attempts?: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    /** Every address of a host name; the default is the system resolver (`dns.lookup`). Tests inject one. */
    resolveHost?: HostResolver;
    /** Which addresses a redirect may lead to; the default is `isPublicAddress`. */
    isPublicAddress?: (address: string) => boolean;
}

export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export interface DownloadedFile {
    path: string;
    bytes: number;
    /** Removes the file and its folder; safe to call more than once. */
    remove(): Promise<void>;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** A URL as shown in messages: no credentials, query or fragment, which is where signed links keep their secrets. */
export function describeUrl(url: string): string {
    try {
        const parsed = new URL(url);
        return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
    } catch {
        return 'the given URL';
    }
}

export function isHttpUrl(url: string): boolean {
    try {
        const { protocol } = new URL(url);
        return protocol === 'http:' || protocol === 'https:';
    } catch {
        return false;
    }
}

export function formatBytes(bytes: number): string {
    if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(2)} GB`;
    if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
    if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
    return `${bytes} bytes`;
}

/** "20 minutes", "1.5 minutes", "30 s", "0.4 s". */
export function formatDuration(ms: number): string {
    const minutes = +(ms / 60_000).toFixed(1);
    if (minutes >= 1) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
    return `${+(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * Addresses that are not on the public internet: the Actor's own machine, the platform's private network, the cloud
 * metadata service (169.254.169.254), and addresses nothing should connect to. BlockList also matches IPv4-mapped
 * IPv6 forms (`::ffff:127.0.0.1`) against the IPv4 ranges.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
    ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local machine on Linux
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // carrier-grade NAT, used inside cloud networks
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local, the metadata service among them
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
] as const) {
    NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
    ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible forms
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link-local
    ['fec0::', 10], // deprecated site-local
    ['ff00::', 8], // multicast
] as const) {
    NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether a redirect may lead to `address` (an IP literal; anything else is not an address and is refused). */
export function isPublicAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The connection's address lookup: a host whose addresses a redirect check approved connects to exactly those
 * addresses, so a second DNS answer (a rebinding host) cannot swap in a private one; other hosts are resolved.
 */
function lookupFunction(resolve: HostResolver, approved: Map<string, LookupAddress[]>): LookupFunction {
    return (hostname, options, callback) => {
        const known = approved.get(hostname);
        (known ? Promise.resolve(known) : resolve(hostname)).then(
            (all) => {
                const wanted = options.family === 4 || options.family === 6 ? all.filter((entry) => entry.family === options.family) : all;
                const first = wanted[0];
                if (!first) {
                    callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 0);
                } else if (options.all) {
                    callback(null, wanted);
                } else {
                    callback(null, first.address, first.family);
                }
            },
            (error: NodeJS.ErrnoException) => callback(error, '', 0),
        );
    };
}

/** Failures found while the body streams in; thrown inside the pipeline, turned into a sentence outside it. */
class DownloadProblem extends Error {}
class TooLarge extends DownloadProblem {}
class HtmlPage extends DownloadProblem {}
class DeadlinePassed extends DownloadProblem {}
/** A redirect the Actor does not follow; `target` is what the message shows: a host, or a host and the address it resolved to. */
class RedirectRefused extends DownloadProblem {
    constructor(readonly target: string) {
        super(target);
    }
}

/**
 * Counts bytes against the cap and looks at the first bytes: a sharing page (Google Drive's "can't scan this
 * file" page, a Dropbox preview) answers 200 with HTML where the file was expected.
 */
class DownloadGuard extends Transform {
    bytes = 0;
    private sniffed = false;

    constructor(private readonly maxBytes: number) {
        super();
    }

    override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
        this.bytes += chunk.length;
        if (this.bytes > this.maxBytes) return callback(new TooLarge());
        if (!this.sniffed) {
            this.sniffed = true;
            const start = chunk
                .subarray(0, 64)
                .toString('latin1')
                .replace(/^\xEF\xBB\xBF/, '')
                .trimStart()
                .toLowerCase();
            if (start.startsWith('<!doctype html') || start.startsWith('<html')) return callback(new HtmlPage());
        }
        callback(null, chunk);
    }
}

/**
 * Downloads `url` into a new temporary folder; on failure nothing is left on disk and a DownloadError says why.
 * `timeoutMs` is one deadline for everything: a retry gets only what is left of it, and a wait that would end past
 * it is not started.
 */
export async function downloadToTempFile(url: string, options: DownloadOptions): Promise<DownloadedFile> {
    const { fieldName, what } = options;
    const shown = describeUrl(url);
    if (!isHttpUrl(url)) throw new DownloadError(`${fieldName} must be an http(s) URL of the ${what}; got ${JSON.stringify(url.slice(0, 100))}.`);

    const now = options.now ?? Date.now;
    const deadline = now() + options.timeoutMs;
    const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'pinterest-download-'));
    const remove = () => rm(dir, { recursive: true, force: true });
    const path = join(dir, 'file');
    const attempts = Math.max(1, options.attempts ?? 3);
    const sleep = options.sleep ?? ((ms: number) => delay(ms));

    try {
        for (let attempt = 1; ; attempt++) {
            try {
                const remaining = deadline - now();
                if (remaining <= 0) throw new DeadlinePassed();
                const bytes = await downloadOnce(url, path, remaining, options);
                return { path, bytes, remove };
            } catch (caught) {
                // got wraps an error passed to destroy() or thrown by a hook in a RequestError; the original is its cause.
                const error = caught instanceof RequestError && caught.cause instanceof DownloadProblem ? caught.cause : caught;
                const backoff = 1000 * 2 ** (attempt - 1);
                if (attempt >= attempts || !isRetryable(error) || now() + backoff >= deadline) {
                    throw translate(error, fieldName, what, shown, options);
                }
                await sleep(backoff);
            }
        }
    } catch (error) {
        await remove();
        throw error;
    }
}

async function downloadOnce(url: string, path: string, remainingMs: number, options: DownloadOptions): Promise<number> {
    const resolve = options.resolveHost ?? systemResolver;
    const isPublic = options.isPublicAddress ?? isPublicAddress;
    const userOrigin = new URL(url).origin;
    const approved = new Map<string, LookupAddress[]>();
    const request = got.stream(url, {
        // A user's file host, not the Pinterest API: redirects (share links, CDNs) are normal here.
        followRedirect: true,
        retry: { limit: 0 },
        // No got request timeout: it restarts on every redirect. The deadline below spans the whole attempt.
        timeout: { socket: options.idleTimeoutMs ?? 60_000 },
        dnsLookup: lookupFunction(resolve, approved),
        hooks: {
            // got has already refused a non-http(s) target (ERR_UNSUPPORTED_PROTOCOL) before this runs; what
            // remains is where an http(s) target leads. Throwing here ends the request with that error as cause.
            beforeRedirect: [
                async (next) => {
                    const target = next.url as URL;
                    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
                    if (isIP(host)) {
                        // The user's own URL may point anywhere, so a redirect back to its origin reaches nothing new.
                        // Only for an IP: a host name may resolve elsewhere the second time.
                        if (target.origin === userOrigin || isPublic(host)) return;
                        throw new RedirectRefused(host);
                    }
                    const addresses = await resolve(host);
                    // A deadline that passed during the lookup has destroyed the request; got would still send the next one.
                    if (request.destroyed) throw new DeadlinePassed();
                    const refused = addresses.find((entry) => !isPublic(entry.address));
                    if (refused) throw new RedirectRefused(`${host} (${refused.address})`);
                    if (addresses.length === 0) throw Object.assign(new Error(`No address for ${host}`), { code: 'ENOTFOUND' });
                    approved.set(host, addresses);
                },
            ],
        },
    });
    request.once('response', (response: { headers: Record<string, string | string[] | undefined> }) => {
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) request.destroy(new TooLarge());
    });
    const deadline = setTimeout(() => request.destroy(new DeadlinePassed()), remainingMs);
    const guard = new DownloadGuard(options.maxBytes);
    try {
        await pipeline(request, guard, createWriteStream(path));
    } finally {
        clearTimeout(deadline);
    }
    return guard.bytes;
}

function isRetryable(error: unknown): boolean {
    if (error instanceof HTTPError) return RETRYABLE_STATUS.has(error.response.statusCode);
    // Our own refusals are final, and a deadline that passed is final: it covers all attempts.
    if (error instanceof DownloadProblem || error instanceof MaxRedirectsError) return false;
    if (error instanceof RequestError && error.code === 'ERR_UNSUPPORTED_PROTOCOL') return false;
    // No response at all: connection refused or reset, DNS hiccup, stalled socket.
    return error instanceof RequestError;
}

function translate(error: unknown, fieldName: string, what: string, shown: string, options: DownloadOptions): Error {
    const prefix = `${fieldName}: the ${what} at ${shown}`;
    if (error instanceof TooLarge) {
        return new DownloadError(`${prefix} is larger than ${formatBytes(options.maxBytes)}, the most this Actor accepts; use a smaller file.`);
    }
    if (error instanceof HtmlPage) {
        return new DownloadError(
            `${prefix} is a web page, not the file itself; use a direct download link (one that starts the download in a browser).`,
        );
    }
    if (error instanceof DeadlinePassed) {
        return new DownloadError(
            `${prefix} did not finish downloading within ${formatDuration(options.timeoutMs)} (all attempts included); use a faster host or a smaller file.`,
        );
    }
    if (error instanceof RedirectRefused) {
        return new DownloadError(
            `${prefix} redirected to ${error.target}, a private address, which the Actor does not follow; use a direct link to the file.`,
        );
    }
    if (error instanceof RequestError && error.code === 'ERR_UNSUPPORTED_PROTOCOL') {
        // got names the refused target last among the redirects (the user's own URL was checked before any request).
        const protocol = error.request?.redirectUrls.at(-1)?.protocol ?? 'non-http(s)';
        return new DownloadError(
            `${prefix} redirected to a ${protocol} URL, which the Actor does not follow; use a direct http(s) link to the file.`,
        );
    }
    if (error instanceof HTTPError) {
        const status = error.response.statusCode;
        const advice =
            status === 401 || status === 403 || status === 404 ? 'check that the link is correct and public' : 'check the link or try again later';
        return new DownloadError(`${prefix} could not be downloaded (HTTP ${status}); ${advice}.`);
    }
    if (error instanceof MaxRedirectsError)
        return new DownloadError(`${prefix} could not be downloaded: it redirects in a loop; use a direct download link.`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') {
        return new DownloadError(
            `${prefix} does not fit on the Actor's disk, which is twice the run's memory; run the Actor with more memory or use a smaller file.`,
        );
    }
    if (error instanceof RequestError) {
        return new DownloadError(
            `${prefix} could not be downloaded (${error.code ?? 'connection failed'}); check that the host is reachable and try again.`,
        );
    }
    return error instanceof Error ? error : new Error(String(error));
}
