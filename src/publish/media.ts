import { openAsBlob } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

import got, { RequestError, TimeoutError } from 'got';

import { ActorError } from '../common/errors.js';
import { DownloadError, type DownloadedFile, describeUrl, downloadToTempFile, formatBytes, formatDuration, isHttpUrl } from './download.js';

/**
 * Video pins: Pinterest takes no video URL, only an uploaded media id. The video is downloaded to a temporary file,
 * registered (`POST /media`), uploaded from disk to the storage host Pinterest names, and polled until processed.
 * Memory stays flat whatever the file size: bytes go network → disk → network in streams.
 *
 * A failure after registering leaves a registered media nobody uses. That costs nothing and needs no cleanup
 * (the API has no delete for it), and no pin exists yet, so nothing is charged.
 */

export type MediaStatus = 'registered' | 'processing' | 'succeeded' | 'failed';

/** The two Pinterest calls the flow needs, injected so the transport stays with the Pinterest client. */
export interface MediaApi {
    /** `POST /media` with `media_type: video`. */
    registerVideo(): Promise<{ mediaId: string; uploadUrl: string; uploadParameters: Record<string, string> }>;
    /** `GET /media/{id}` → `status`. */
    getMediaStatus(mediaId: string): Promise<MediaStatus>;
}

export interface MediaWaitOptions {
    api: MediaApi;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    /** How long Pinterest may take to process the video. Default 10 minutes. */
    maxWaitMs?: number;
    onProgress?: (message: string) => void;
}

export interface VideoUploadOptions extends MediaWaitOptions {
    /** Where the temporary file goes. Default the OS temp folder. */
    tempDir?: string;
    /** Default 2 GB, Pinterest's limit for a video. On the Apify platform the disk is twice the run's memory, so pass less on small runs. */
    maxBytes?: number;
    /** Whole download of the video, every attempt and wait included. Default 20 minutes. */
    downloadTimeoutMs?: number;
    /** Whole upload to Pinterest's storage, every attempt and wait included. Default 20 minutes. */
    uploadTimeoutMs?: number;
    /**
     * Called once the file is uploaded, before waiting for processing: a caller that records the id can, after a
     * restart, resume with `waitForMedia` instead of downloading and uploading again.
     */
    onUploaded?: (mediaId: string) => void | Promise<void>;
}

/** The video could not be made into a Pinterest media. `mediaId` is set once the media was registered. */
export class MediaError extends ActorError {
    override name = 'MediaError';
    readonly mediaId?: string;

    constructor(message: string, details: { mediaId?: string; cause?: unknown } = {}) {
        super(message, { cause: details.cause });
        this.mediaId = details.mediaId;
    }
}

/** Pinterest's documented maximum video size. */
export const VIDEO_MAX_BYTES = 2 * 1024 ** 3;
const POLL_FIRST_DELAY_MS = 1_000;
const POLL_MAX_DELAY_MS = 15_000;
const UPLOAD_ATTEMPTS = 3;

const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = { mp4: 'video/mp4', m4v: 'video/x-m4v', mov: 'video/quicktime' };

/**
 * Downloads `videoUrl`, uploads it to Pinterest and waits until Pinterest has processed it. Returns the media id
 * for a `video_id` media source. Throws MediaError with one sentence; errors of the injected API pass through.
 */
export async function uploadVideo(videoUrl: string, options: VideoUploadOptions): Promise<string> {
    const progress = options.onProgress ?? (() => undefined);
    const shown = describeUrl(videoUrl);
    if (!isHttpUrl(videoUrl)) throw new MediaError(`videoUrl must be an http(s) URL of the video; got ${JSON.stringify(videoUrl.slice(0, 100))}.`);

    // Download before registering: a bad link then fails without touching Pinterest, and the upload
    // authorisation Pinterest returns is used right away instead of waiting out a long download.
    let file: DownloadedFile;
    try {
        file = await downloadToTempFile(videoUrl, {
            fieldName: 'videoUrl',
            what: 'video',
            maxBytes: options.maxBytes ?? VIDEO_MAX_BYTES,
            timeoutMs: options.downloadTimeoutMs ?? 20 * 60_000,
            tempDir: options.tempDir,
            sleep: options.sleep,
            now: options.now,
        });
    } catch (error) {
        if (error instanceof DownloadError) throw new MediaError(error.message, { cause: error });
        throw error;
    }

    let mediaId: string;
    try {
        progress(`Downloaded the video from ${shown} (${formatBytes(file.bytes)}); uploading it to Pinterest.`);
        const registration = await options.api.registerVideo();
        mediaId = registration.mediaId;
        await uploadToStorage(file, registration, videoUrl, options);
    } finally {
        await file.remove();
    }
    progress(`Uploaded the video from ${shown} as media ${mediaId}; waiting for Pinterest to process it.`);
    await options.onUploaded?.(mediaId);
    await waitForMedia(mediaId, { ...options, videoUrl });
    return mediaId;
}

/**
 * Polls `GET /media/{id}` with exponential backoff (1 s doubling to 15 s) until it succeeded, failed or `maxWaitMs`
 * passed. Exported so a later run can resume waiting on a media id it recorded instead of uploading again;
 * `videoUrl` only names the video in messages.
 */
export async function waitForMedia(mediaId: string, options: MediaWaitOptions & { videoUrl?: string }): Promise<void> {
    const subject = options.videoUrl ? `the video from ${describeUrl(options.videoUrl)}` : 'the video';
    const sleep = options.sleep ?? ((ms: number) => delay(ms));
    const now = options.now ?? Date.now;
    const maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
    const deadline = now() + maxWaitMs;
    let wait = POLL_FIRST_DELAY_MS;
    let lastStatus: MediaStatus = 'registered';
    for (;;) {
        const remaining = deadline - now();
        if (remaining <= 0) {
            throw new MediaError(
                `Pinterest was still processing ${subject} (media ${mediaId}, status ${lastStatus}) after ${formatDuration(maxWaitMs)}; no pin was created, try again later.`,
                { mediaId },
            );
        }
        // Processing always takes a while, so the first look comes after a delay, never straight after the upload.
        await sleep(Math.min(wait, remaining));
        wait = Math.min(wait * 2, POLL_MAX_DELAY_MS);
        lastStatus = await options.api.getMediaStatus(mediaId);
        if (lastStatus === 'succeeded') return;
        if (lastStatus === 'failed') {
            throw new MediaError(
                `Pinterest could not process ${subject} (media ${mediaId}); use an MP4, MOV or M4V video of at most 2 GB, between 4 seconds and 15 minutes long.`,
                { mediaId },
            );
        }
    }
}

interface Registration {
    mediaId: string;
    uploadUrl: string;
    uploadParameters: Record<string, string>;
}

/**
 * Multipart POST of the upload parameters, then the file last (S3-style POST policies ignore fields after the
 * file). Plain got, no Pinterest client: the storage host must not receive the Pinterest token. The upload writes
 * one storage key, so repeating it after a dropped connection or a 5xx is safe.
 */
async function uploadToStorage(file: DownloadedFile, registration: Registration, videoUrl: string, options: VideoUploadOptions): Promise<void> {
    const { mediaId, uploadUrl, uploadParameters } = registration;
    const shown = describeUrl(videoUrl);
    if (!isHttpUrl(uploadUrl)) {
        throw new MediaError(`Pinterest answered the video registration with an unusable upload URL (media ${mediaId}); try again later.`, {
            mediaId,
        });
    }
    const sleep = options.sleep ?? ((ms: number) => delay(ms));
    const now = options.now ?? Date.now;
    const timeoutMs = options.uploadTimeoutMs ?? 20 * 60_000;
    // One deadline for the upload: a retry gets what is left of it, so a slow storage host cannot hold the run
    // for attempts times the limit.
    const deadline = now() + timeoutMs;
    const extension = /\.([a-z0-9]+)$/i.exec(new URL(videoUrl).pathname)?.[1]?.toLowerCase() ?? '';
    const contentType = CONTENT_TYPE_BY_EXTENSION[extension] ?? 'application/octet-stream';
    const timedOut = () =>
        new MediaError(
            `Uploading the video from ${shown} to Pinterest did not finish within ${formatDuration(timeoutMs)} (all attempts included, media ${mediaId}); try again later.`,
            { mediaId },
        );

    for (let attempt = 1; ; attempt++) {
        const remaining = deadline - now();
        if (remaining <= 0) throw timedOut();
        const form = new FormData();
        for (const [name, value] of Object.entries(uploadParameters)) form.append(name, value);
        // A file-backed Blob: got's multipart encoder streams it from disk and knows its length up front
        // (storage hosts refuse chunked uploads), so the video is never in memory.
        form.append('file', await openAsBlob(file.path, { type: contentType }), `video.${extension || 'mp4'}`);

        let status: number | undefined;
        let body = '';
        let networkCode: string | undefined;
        try {
            const response = await got.post(uploadUrl, {
                body: form,
                followRedirect: false,
                throwHttpErrors: false,
                retry: { limit: 0 },
                // No redirects are followed, so got's request timeout spans the whole attempt.
                timeout: { request: remaining },
            });
            status = response.statusCode;
            body = response.body;
        } catch (error) {
            // Starting again would send the whole file again into the same slow host, with less time than before.
            if (error instanceof TimeoutError && error.event === 'request') throw timedOut();
            if (!(error instanceof RequestError)) throw error;
            networkCode = error.code;
        }
        if (status !== undefined && status >= 200 && status < 300) return;

        const retryable = status === undefined || status >= 500;
        const backoff = 2000 * 2 ** (attempt - 1);
        if (retryable && attempt < UPLOAD_ATTEMPTS && now() + backoff < deadline) {
            await sleep(backoff);
            continue;
        }
        const what = status === undefined ? `the connection failed: ${networkCode ?? 'no answer'}` : `HTTP ${status}${storageErrorCode(body)}`;
        throw new MediaError(`Uploading the video from ${shown} to Pinterest failed (${what}, media ${mediaId}); ${uploadAdvice(status, body)}.`, {
            mediaId,
        });
    }
}

/** S3-style storage answers errors as XML with a `<Code>`; the code is safe to show, the rest may echo the policy. */
function storageErrorCode(body: string): string {
    const code = /<Code>([A-Za-z]{1,64})<\/Code>/.exec(body)?.[1];
    return code ? `, ${code}` : '';
}

function uploadAdvice(status: number | undefined, body: string): string {
    if (/EntityTooLarge/.test(body)) return 'the video is larger than Pinterest accepts, use a smaller file';
    if (status === 403) return 'the upload authorisation was refused or expired, run again';
    return 'try again later';
}
