import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';

import got, { HTTPError, MaxRedirectsError, RequestError, TimeoutError } from 'got';

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
    /** Whole download, from request to last byte. */
    timeoutMs: number;
    /** A connection that stays silent this long is given up (a stalled host fails long before `timeoutMs`). */
    idleTimeoutMs?: number;
    tempDir?: string;
    /** Attempts for failures that a retry can fix (connection errors, 5xx, 408, 429); downloads are GETs, safe to repeat. */
    attempts?: number;
    sleep?: (ms: number) => Promise<void>;
}

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

/** Failures found while the body streams in; thrown inside the pipeline, turned into a sentence outside it. */
class TooLarge extends Error {}
class HtmlPage extends Error {}

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

/** Downloads `url` into a new temporary folder; on failure nothing is left on disk and a DownloadError says why. */
export async function downloadToTempFile(url: string, options: DownloadOptions): Promise<DownloadedFile> {
    const { fieldName, what } = options;
    const shown = describeUrl(url);
    if (!isHttpUrl(url)) throw new DownloadError(`${fieldName} must be an http(s) URL of the ${what}; got ${JSON.stringify(url.slice(0, 100))}.`);

    const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'pinterest-download-'));
    const remove = () => rm(dir, { recursive: true, force: true });
    const path = join(dir, 'file');
    const attempts = Math.max(1, options.attempts ?? 3);
    const sleep = options.sleep ?? ((ms: number) => delay(ms));

    try {
        for (let attempt = 1; ; attempt++) {
            try {
                const bytes = await downloadOnce(url, path, options);
                return { path, bytes, remove };
            } catch (caught) {
                // got wraps an error passed to destroy() in a RequestError; the original is its cause.
                const ours = caught instanceof RequestError && (caught.cause instanceof TooLarge || caught.cause instanceof HtmlPage);
                const error = ours ? caught.cause : caught;
                if (attempt >= attempts || !isRetryable(error)) throw translate(error, fieldName, what, shown, options);
                await sleep(1000 * 2 ** (attempt - 1));
            }
        }
    } catch (error) {
        await remove();
        throw error;
    }
}

async function downloadOnce(url: string, path: string, options: DownloadOptions): Promise<number> {
    const request = got.stream(url, {
        // A user's file host, not the Pinterest API: redirects (share links, CDNs) are normal here.
        followRedirect: true,
        retry: { limit: 0 },
        timeout: { request: options.timeoutMs, socket: options.idleTimeoutMs ?? 60_000 },
    });
    request.once('response', (response: { headers: Record<string, string | string[] | undefined> }) => {
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) request.destroy(new TooLarge());
    });
    const guard = new DownloadGuard(options.maxBytes);
    await pipeline(request, guard, createWriteStream(path));
    return guard.bytes;
}

function isRetryable(error: unknown): boolean {
    if (error instanceof HTTPError) return RETRYABLE_STATUS.has(error.response.statusCode);
    if (error instanceof TooLarge || error instanceof HtmlPage || error instanceof MaxRedirectsError) return false;
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
    if (error instanceof HTTPError) {
        const status = error.response.statusCode;
        const advice =
            status === 401 || status === 403 || status === 404 ? 'check that the link is correct and public' : 'check the link or try again later';
        return new DownloadError(`${prefix} could not be downloaded (HTTP ${status}); ${advice}.`);
    }
    if (error instanceof MaxRedirectsError)
        return new DownloadError(`${prefix} could not be downloaded: it redirects in a loop; use a direct download link.`);
    if (error instanceof TimeoutError && error.event === 'request') {
        return new DownloadError(
            `${prefix} did not finish downloading within ${Math.round(options.timeoutMs / 1000)} s; use a faster host or a smaller file.`,
        );
    }
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
