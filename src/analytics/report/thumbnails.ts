import got from 'got';

/** Fetches one image; resolves to undefined when it cannot (the report then shows a placeholder). */
export type ImageFetcher = (url: string) => Promise<{ contentType: string; body: Buffer } | undefined>;

const MAX_IMAGE_BYTES = 400_000;
const PARALLEL = 6;
/** All thumbnails together may take this long; the rest get placeholders, so a slow image host cannot stall the run. */
const TOTAL_BUDGET_MS = 30_000;

/** Fetches thumbnails over HTTP(S), briefly: a slow image server must not hold up the report. */
export const httpImageFetcher: ImageFetcher = async (url) => {
    if (!/^https?:\/\//i.test(url)) return undefined;
    try {
        const response = await got(url, { responseType: 'buffer', timeout: { request: 5_000 }, retry: { limit: 0 }, headers: { accept: 'image/*' } });
        const contentType =
            String(response.headers['content-type'] ?? '')
                .split(';')[0]
                ?.trim() ?? '';
        if (!/^image\/(png|jpeg|gif|webp|avif)$/.test(contentType) || response.body.length > MAX_IMAGE_BYTES) return undefined;
        return { contentType, body: response.body };
    } catch {
        return undefined;
    }
};

/**
 * Pinterest serves every pin image in several sizes under the same path; a thumbnail needs the small one. Other
 * hosts get the URL as it is.
 */
export function thumbnailUrl(url: string): string {
    return /^https:\/\/i\.pinimg\.com\/[^/]+\//.test(url) ? url.replace(/^(https:\/\/i\.pinimg\.com\/)[^/]+\//, '$1150x150/') : url;
}

/** Each image as a `data:` URI, so the page never loads anything; undefined where an image could not be had. */
export async function inlineImages(
    urls: ReadonlyArray<string | null>,
    fetchImage: ImageFetcher = httpImageFetcher,
    now: () => number = Date.now,
): Promise<Array<string | undefined>> {
    const results: Array<string | undefined> = new Array(urls.length).fill(undefined);
    const deadline = now() + TOTAL_BUDGET_MS;
    let next = 0;
    const worker = async () => {
        while (next < urls.length && now() < deadline) {
            const index = next;
            next += 1;
            const url = urls[index];
            if (!url) continue;
            const image = await fetchImage(thumbnailUrl(url));
            if (image) results[index] = `data:${image.contentType};base64,${image.body.toString('base64')}`;
        }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, urls.length) }, worker));
    return results;
}
