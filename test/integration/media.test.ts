import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type MediaApi, MediaError, type MediaStatus, type VideoUploadOptions, uploadVideo, waitForMedia } from '../../src/publish/media.js';
import { type RecordingClock, recordingClock } from './clock.js';
import { failureOf } from './support.js';

const VIDEO_BYTES = 8 * 1024 * 1024;
const UPLOAD_PARAMETERS = {
    'Content-Type': 'multipart/form-data',
    key: 'uploads/11/aa/22/3:video:203014033110991560:5212123920968240771',
    policy: 'eyJleHBpcmF0aW9uIjoiMj..==',
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': 'ASIA6QZJ64OPIKV7FRVX/20220127/us-east-1/s3/aws4_request',
    'x-amz-date': '20220127T185143Z',
    'x-amz-security-token': 'IQoJb3JpZ2luX2VjEJr...==',
    'x-amz-signature': 'fcd6309a6aaee213348666a72abed8b44552a43acb6b340e8e1b288d21a5fe92',
};

interface ReceivedUpload {
    headers: IncomingHttpHeaders;
    bodyBytes: number;
    fields: [string, string][];
    fileName?: string;
    fileType?: string;
    fileSha256?: string;
}

/** `tookMs` moves the test's clock: the answer came that long after the request. `hang` never answers. */
type UploadAnswer = { status: number; body?: string; tookMs?: number } | 'drop' | 'hang';

let server: Server;
let base: string;
let videoPath: string;
let videoSha256: string;
let fixtureDir: string;
/** What the test server saw, in order: `GET /video.mp4`, `register`, `POST /upload`, `status`. */
let events: string[];
let uploads: ReceivedUpload[];
let uploadAnswers: UploadAnswer[];
/** The clock of the running test, which a slow answer of the test server moves. */
let activeClock: RecordingClock;

beforeAll(async () => {
    fixtureDir = await mkdtemp(join(tmpdir(), 'media-fixture-'));
    videoPath = join(fixtureDir, 'video.mp4');
    const video = randomBytes(VIDEO_BYTES);
    videoSha256 = createHash('sha256').update(video).digest('hex');
    await writeFile(videoPath, video);

    server = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        events.push(`${request.method} ${path}`);
        if (request.method === 'GET' && path === '/video.mp4') {
            response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(VIDEO_BYTES) });
            createReadStream(videoPath).pipe(response);
        } else if (request.method === 'GET' && path === '/undeclared.mp4') {
            // No content-length: the size cap must hold while the bytes stream in.
            response.writeHead(200, { 'content-type': 'video/mp4' });
            createReadStream(videoPath).pipe(response);
        } else if (request.method === 'GET' && path === '/redirect.mp4') {
            response.writeHead(302, { location: new URL(request.url ?? '/', 'http://localhost').searchParams.get('to') ?? '/' });
            response.end();
        } else if (request.method === 'GET' && path === '/slow.mp4') {
            // The first attempt takes almost the whole deadline and drops; the second sends a byte every 20 ms, forever.
            if (events.filter((event) => event === 'GET /slow.mp4').length === 1) {
                activeClock.advance(58_800);
                request.socket.destroy();
                return;
            }
            response.writeHead(200, { 'content-type': 'video/mp4' });
            const timer = setInterval(() => response.write('x'), 20);
            response.once('close', () => clearInterval(timer));
        } else if (request.method === 'GET' && path === '/watch.mp4') {
            response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            response.end('<!doctype html><html><body>Preview</body></html>');
        } else if (request.method === 'POST' && path === '/upload') {
            void receiveUpload(request, response);
        } else {
            response.writeHead(404);
            response.end();
        }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(fixtureDir, { recursive: true, force: true });
});

async function receiveUpload(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const answer = uploadAnswers.shift() ?? { status: 204 };
    if (answer === 'drop') {
        request.socket.destroy();
        return;
    }
    if (answer === 'hang') {
        request.resume();
        return;
    }
    if (answer.tookMs) activeClock.advance(answer.tookMs);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    // The platform's own multipart parser reads the body the way a storage host would.
    const form = await new Response(body, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
    const upload: ReceivedUpload = { headers: request.headers, bodyBytes: body.length, fields: [] };
    for (const [name, value] of form.entries()) {
        if (typeof value === 'string') {
            upload.fields.push([name, value]);
        } else {
            upload.fields.push([name, '<file>']);
            upload.fileName = value.name;
            upload.fileType = value.type;
            upload.fileSha256 = createHash('sha256')
                .update(Buffer.from(await value.arrayBuffer()))
                .digest('hex');
        }
    }
    uploads.push(upload);
    response.writeHead(answer.status, answer.body ? { 'content-type': 'application/xml' } : {});
    response.end(answer.body);
}

/** A Pinterest stand-in: registration answers with the test server's upload endpoint, statuses come from a list. */
function fakeApi(statuses: MediaStatus[], uploadUrl = `${base}/upload`) {
    const polled: string[] = [];
    let registrations = 0;
    const api: MediaApi = {
        async registerVideo() {
            registrations++;
            events.push('register');
            return { mediaId: '4242', uploadUrl, uploadParameters: UPLOAD_PARAMETERS };
        },
        async getMediaStatus(mediaId) {
            polled.push(mediaId);
            events.push('status');
            return statuses.length > 1 ? (statuses.shift() as MediaStatus) : (statuses[0] ?? 'processing');
        },
    };
    return { api, polled, registrations: () => registrations };
}

/** A recording clock that the test server's slow answers move too. */
function fakeClock(): RecordingClock {
    activeClock = recordingClock();
    return activeClock;
}

let tempDir: string;
let progress: string[];

beforeEach(async () => {
    events = [];
    uploads = [];
    uploadAnswers = [];
    progress = [];
    tempDir = await mkdtemp(join(tmpdir(), 'media-temp-'));
});

afterEach(async () => {
    // Every path, success or failure, leaves the temporary folder empty.
    expect(await readdir(tempDir)).toEqual([]);
    await rm(tempDir, { recursive: true, force: true });
});

function options(api: MediaApi, clock = fakeClock(), extra: Partial<VideoUploadOptions> = {}): VideoUploadOptions {
    return { api, tempDir, sleep: clock.sleep, now: clock.now, onProgress: (message) => progress.push(message), ...extra };
}

const mediaFailureOf = async (promise: Promise<unknown>) => failureOf(promise, MediaError);

describe('uploadVideo', () => {
    it('downloads, registers, uploads every parameter and the intact file without credentials, then polls until processed', async () => {
        const { api, polled } = fakeApi(['registered', 'processing', 'succeeded']);
        const clock = fakeClock();
        const uploaded: string[] = [];
        const mediaId = await uploadVideo(
            `${base}/video.mp4?signature=user-secret`,
            options(api, clock, { onUploaded: (id) => void uploaded.push(`${id} after ${events.length} events`) }),
        );

        expect(mediaId).toBe('4242');
        // Download first, so a bad link never registers a media; then upload, then status checks.
        expect(events).toEqual(['GET /video.mp4', 'register', 'POST /upload', 'status', 'status', 'status']);
        expect(uploads).toHaveLength(1);
        const [upload] = uploads;
        expect(upload?.fields).toEqual([...Object.entries(UPLOAD_PARAMETERS), ['file', '<file>']]);
        expect(upload?.fileSha256).toBe(videoSha256);
        expect(upload?.fileName).toBe('video.mp4');
        expect(upload?.fileType).toBe('video/mp4');
        expect(upload?.headers.authorization).toBeUndefined();
        expect(upload?.headers.cookie).toBeUndefined();
        // A declared length, not chunked: storage hosts refuse chunked POST uploads.
        expect(upload?.headers['content-length']).toBe(String(upload?.bodyBytes));
        expect(upload?.headers['transfer-encoding']).toBeUndefined();
        expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

        expect(polled).toEqual(['4242', '4242', '4242']);
        expect(uploaded).toEqual(['4242 after 3 events']);
        expect(clock.sleeps).toEqual([1000, 2000, 4000]);
        expect(progress).toEqual([
            `Downloaded the video from ${base}/video.mp4 (8 MB); uploading it to Pinterest.`,
            `Uploaded the video from ${base}/video.mp4 as media 4242; waiting for Pinterest to process it.`,
        ]);
        expect(progress.join(' ')).not.toContain('user-secret');
    });

    it('fails with one sentence when Pinterest cannot process the video', async () => {
        const { api } = fakeApi(['processing', 'failed']);
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api)));
        expect(error.message).toBe(
            `Pinterest could not process the video from ${base}/video.mp4 (media 4242); use an MP4, MOV or M4V video of at most 2 GB, between 4 seconds and 15 minutes long.`,
        );
        expect(error.mediaId).toBe('4242');
    });

    it('gives up after maxWaitMs with backoff capped at 15 s, keeping the media id for a later run', async () => {
        const { api, polled } = fakeApi(['processing']);
        const clock = fakeClock();
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api, clock, { maxWaitMs: 60_000 })));
        expect(error.message).toBe(
            `Pinterest was still processing the video from ${base}/video.mp4 (media 4242, status processing) after 1 minute; no pin was created, try again later.`,
        );
        expect(error.mediaId).toBe('4242');
        expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
        expect(clock.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(60_000);
        expect(polled).toHaveLength(7);
    });

    it('fails a download error naming videoUrl without its query, before registering anything', async () => {
        const { api, registrations } = fakeApi(['succeeded']);
        const error = await mediaFailureOf(uploadVideo(`${base}/missing.mp4?token=user-secret`, options(api)));
        expect(error.message).toBe(
            `videoUrl: the video at ${base}/missing.mp4 could not be downloaded (HTTP 404); check that the link is correct and public.`,
        );
        expect(registrations()).toBe(0);
        expect(events).toEqual(['GET /missing.mp4']);
    });

    it.each([
        ['declared', '/video.mp4'],
        ['streamed without a length', '/undeclared.mp4'],
    ])('refuses a video larger than maxBytes (%s) with a clear sentence', async (_case, path) => {
        const { api, registrations } = fakeApi(['succeeded']);
        const error = await mediaFailureOf(uploadVideo(`${base}${path}`, options(api, fakeClock(), { maxBytes: 4 * 1024 * 1024 })));
        expect(error.message).toBe(`videoUrl: the video at ${base}${path} is larger than 4 MB, the most this Actor accepts; use a smaller file.`);
        expect(registrations()).toBe(0);
    });

    it('refuses a web page where the video was expected', async () => {
        const { api } = fakeApi(['succeeded']);
        const error = await mediaFailureOf(uploadVideo(`${base}/watch.mp4`, options(api)));
        expect(error.message).toBe(
            `videoUrl: the video at ${base}/watch.mp4 is a web page, not the file itself; use a direct download link (one that starts the download in a browser).`,
        );
    });

    it.each(['ftp://example.com/video.mp4', 'file:///etc/passwd'])('refuses %s, not an http(s) URL, before any request', async (url) => {
        const { api, registrations } = fakeApi(['succeeded']);
        const error = await mediaFailureOf(uploadVideo(url, options(api)));
        expect(error.message).toBe(`videoUrl must be an http(s) URL of the video; got "${url}".`);
        expect(registrations()).toBe(0);
        expect(events).toEqual([]);
    });

    it('refuses a redirect to another port of 127.0.0.1, requesting nothing there and registering nothing', async () => {
        const reached: string[] = [];
        const other = createServer((request, response) => {
            reached.push(request.url ?? '');
            response.writeHead(200, { 'content-type': 'video/mp4' }).end('video');
        });
        await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
        try {
            const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/video.mp4`;
            const { api, registrations } = fakeApi(['succeeded']);
            const error = await mediaFailureOf(uploadVideo(`${base}/redirect.mp4?to=${encodeURIComponent(target)}`, options(api)));
            expect(error.message).toBe(
                `videoUrl: the video at ${base}/redirect.mp4 redirected to 127.0.0.1, a private address, which the Actor does not follow; use a direct link to the file.`,
            );
            expect(reached).toEqual([]);
            expect(registrations()).toBe(0);
            expect(events).toEqual(['GET /redirect.mp4']);
        } finally {
            await new Promise<void>((resolve) => other.close(() => resolve()));
        }
    });

    it.each([
        [
            'http://169.254.169.254/latest/meta-data/iam/',
            'redirected to 169.254.169.254, a private address, which the Actor does not follow; use a direct link to the file.',
        ],
        ['ftp://files.example/video.mp4', 'redirected to a ftp: URL, which the Actor does not follow; use a direct http(s) link to the file.'],
    ])('refuses a redirect to %s once, without retrying it', async (target, sentence) => {
        const { api, registrations } = fakeApi(['succeeded']);
        const clock = fakeClock();
        const error = await mediaFailureOf(uploadVideo(`${base}/redirect.mp4?to=${encodeURIComponent(target)}`, options(api, clock)));
        expect(error.message).toBe(`videoUrl: the video at ${base}/redirect.mp4 ${sentence}`);
        expect(events).toEqual(['GET /redirect.mp4']);
        expect(clock.sleeps).toEqual([]);
        expect(registrations()).toBe(0);
    });

    it('holds the download to one deadline for all attempts: a retry gets only what is left', async () => {
        const { api, registrations } = fakeApi(['succeeded']);
        const clock = fakeClock();
        // The first attempt takes 58.8 s and drops; after the 1 s wait the second has 0.2 s of real time, and trickles.
        const error = await mediaFailureOf(uploadVideo(`${base}/slow.mp4`, options(api, clock, { downloadTimeoutMs: 60_000 })));
        expect(error.message).toBe(
            `videoUrl: the video at ${base}/slow.mp4 did not finish downloading within 1 minute (all attempts included); use a faster host or a smaller file.`,
        );
        expect(events).toEqual(['GET /slow.mp4', 'GET /slow.mp4']);
        expect(clock.sleeps).toEqual([1000]);
        expect(registrations()).toBe(0);
    });

    it('reports a rejected upload with the storage error code, not its message, and does not retry it', async () => {
        uploadAnswers = [
            {
                status: 403,
                body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired. x-amz-security-token=IQoJb3JpZ2lu</Message></Error>',
            },
        ];
        const { api, polled } = fakeApi(['succeeded']);
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api)));
        expect(error.message).toBe(
            `Uploading the video from ${base}/video.mp4 to Pinterest failed (HTTP 403, AccessDenied, media 4242); the upload authorisation was refused or expired, run again.`,
        );
        expect(error.mediaId).toBe('4242');
        expect(uploads).toHaveLength(1);
        expect(polled).toEqual([]);
    });

    it('repeats the upload after a storage 5xx or a dropped connection, sending the whole file each time', async () => {
        uploadAnswers = [{ status: 503 }, 'drop', { status: 204 }];
        const { api } = fakeApi(['succeeded']);
        const clock = fakeClock();
        expect(await uploadVideo(`${base}/video.mp4`, options(api, clock))).toBe('4242');
        expect(events.filter((event) => event === 'POST /upload')).toHaveLength(3);
        expect(uploads.map((upload) => upload.fileSha256)).toEqual([videoSha256, videoSha256]);
        expect(clock.sleeps).toEqual([2000, 4000, 1000]);
    });

    it('gives up on an upload that keeps failing, with one sentence', async () => {
        uploadAnswers = ['drop', 'drop', 'drop'];
        const { api } = fakeApi(['succeeded']);
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api)));
        expect(error.message).toMatch(
            new RegExp(
                `^Uploading the video from ${base.replace(/\./g, '\\.')}/video\\.mp4 to Pinterest failed \\(the connection failed: [A-Z_]+, media 4242\\); try again later\\.$`,
            ),
        );
        expect(events.filter((event) => event === 'POST /upload')).toHaveLength(3);
    });

    it('holds the upload to one deadline for all attempts and does not repeat an upload that ran out of it', async () => {
        // The first upload is refused with a 503 after 57.8 s; after the 2 s wait the second has 0.2 s, and gets no answer.
        uploadAnswers = [{ status: 503, tookMs: 57_800 }, 'hang'];
        const { api, polled } = fakeApi(['succeeded']);
        const clock = fakeClock();
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api, clock, { uploadTimeoutMs: 60_000 })));
        expect(error.message).toBe(
            `Uploading the video from ${base}/video.mp4 to Pinterest did not finish within 1 minute (all attempts included, media 4242); try again later.`,
        );
        expect(error.mediaId).toBe('4242');
        expect(events.filter((event) => event === 'POST /upload')).toHaveLength(2);
        expect(clock.sleeps).toEqual([2000]);
        expect(polled).toEqual([]);
    });

    it('starts no upload wait that would end past the deadline, and reports the failure it has', async () => {
        uploadAnswers = [{ status: 503, tookMs: 59_000 }];
        const { api } = fakeApi(['succeeded']);
        const clock = fakeClock();
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api, clock, { uploadTimeoutMs: 60_000 })));
        expect(error.message).toBe(`Uploading the video from ${base}/video.mp4 to Pinterest failed (HTTP 503, media 4242); try again later.`);
        expect(events.filter((event) => event === 'POST /upload')).toHaveLength(1);
        expect(clock.sleeps).toEqual([]);
    });

    it('refuses an upload URL that is not http(s) without sending the file anywhere', async () => {
        const { api } = fakeApi(['succeeded'], 'file:///tmp/upload');
        const error = await mediaFailureOf(uploadVideo(`${base}/video.mp4`, options(api)));
        expect(error.message).toBe('Pinterest answered the video registration with an unusable upload URL (media 4242); try again later.');
        expect(events).toEqual(['GET /video.mp4', 'register']);
    });

    it('passes errors of the Pinterest API through unchanged and still removes the file', async () => {
        const api: MediaApi = {
            registerVideo: async () => {
                throw new Error('Pinterest rejected the token.');
            },
            getMediaStatus: async () => 'succeeded',
        };
        await expect(uploadVideo(`${base}/video.mp4`, options(api))).rejects.toThrow('Pinterest rejected the token.');
    });
});

describe('waitForMedia', () => {
    it('resumes waiting on a recorded media id without downloading or uploading', async () => {
        const { api } = fakeApi(['processing', 'succeeded']);
        const clock = fakeClock();
        await waitForMedia('4242', { api, sleep: clock.sleep, now: clock.now });
        expect(events).toEqual(['status', 'status']);
        expect(clock.sleeps).toEqual([1000, 2000]);
    });
});

describe('memory', () => {
    it('never reads the video into memory: bytes go by stream to disk and by file-backed Blob to the upload', async () => {
        // A structural check: the download and upload code has no whole-body reads at all.
        const sources = await Promise.all(
            ['media.ts', 'download.ts'].map((name) => readFile(new URL(`../../src/publish/${name}`, import.meta.url), 'utf8')),
        );
        for (const source of sources) {
            expect(source).not.toMatch(/readFile|arrayBuffer|Buffer\.concat|responseType|\.buffer\(\)|\.text\(\)|\.json\(\)/);
        }
        expect(sources[0]).toContain('openAsBlob(');
        expect(sources[1]).toContain('createWriteStream(');
    });

    it('moves a video far larger than the memory it uses (the built module, in its own process)', async () => {
        const LARGE_BYTES = 160 * 1024 * 1024;
        const largePath = join(fixtureDir, 'large.mp4');
        const block = randomBytes(1024 * 1024);
        await writeFile(
            largePath,
            (function* () {
                for (let written = 0; written < LARGE_BYTES; written += block.length) yield block;
            })(),
        );
        let received = 0;
        const storage = createServer((request, response) => {
            if (request.method === 'GET') {
                response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(LARGE_BYTES) });
                createReadStream(largePath).pipe(response);
                return;
            }
            request.on('data', (chunk: Buffer) => (received += chunk.length));
            request.on('end', () => response.writeHead(204).end());
        });
        await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
        const storageBase = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
        // The module alone, bundled as the Actor's build bundles it, runs in a child that samples its own memory.
        const moduleFile = join(fixtureDir, 'media.mjs');
        const { build } = await import('esbuild');
        await build({
            entryPoints: [fileURLToPath(new URL('../../src/publish/media.ts', import.meta.url))],
            bundle: true,
            platform: 'node',
            format: 'esm',
            outfile: moduleFile,
            banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
            logLevel: 'silent',
        });
        const script = `
            import { uploadVideo } from ${JSON.stringify(pathToFileURL(moduleFile).href)};
            const start = process.memoryUsage.rss();
            let peak = start;
            const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
            const api = {
                registerVideo: async () => ({ mediaId: '1', uploadUrl: ${JSON.stringify(`${storageBase}/upload`)}, uploadParameters: { key: 'k' } }),
                getMediaStatus: async () => 'succeeded',
            };
            await uploadVideo(${JSON.stringify(`${storageBase}/large.mp4`)}, { api, tempDir: ${JSON.stringify(tempDir)}, sleep: async () => undefined });
            clearInterval(timer);
            console.log(JSON.stringify({ start, peak: Math.max(peak, process.memoryUsage.rss()) }));
        `;
        try {
            const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
            const { start, peak } = JSON.parse(stdout) as { start: number; peak: number };
            expect(received).toBeGreaterThan(LARGE_BYTES);
            // Holding the video once would add 160 MB. Streamed, growth stays near 40 MB whatever the size (measured with
            // 160 and 480 MB): garbage chunk buffers that V8 collects only after about 32 MB of them accumulate.
            expect(peak - start).toBeLessThan(96 * 1024 * 1024);
        } finally {
            await new Promise<void>((resolve) => storage.close(() => resolve()));
            await rm(largePath, { force: true });
        }
    });
});
