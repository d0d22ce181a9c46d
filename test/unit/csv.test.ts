import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CSV_FIELD_LABELS, type CsvPinRow, type CsvRowProblem, CsvFormatError, isVideoUrl, openCsvUrl, readPinsCsv } from '../../src/publish/csv.js';
import { DownloadError } from '../../src/publish/download.js';
import { checkDraft } from '../../src/publish/draft.js';

const HEADER = 'Title,Media URL,Pinterest board,Thumbnail,Description,Link,Publish date,Keywords';

async function read(source: string | NodeJS.ReadableStream, fieldName?: string) {
    const warnings: string[] = [];
    const rows: (CsvPinRow | CsvRowProblem)[] = [];
    for await (const row of readPinsCsv(source, { onWarning: (message) => warnings.push(message), fieldName })) rows.push(row);
    return { rows, warnings };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        if (error instanceof Error) return error;
    }
    throw new Error('expected a failure');
}

/** A stream that hands the text over in small byte chunks, splitting multi-byte characters and CRLFs. */
function trickle(text: string, chunkSize = 3): Readable {
    const bytes = Buffer.from(text, 'utf8');
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += chunkSize) chunks.push(bytes.subarray(offset, offset + chunkSize));
    return Readable.from(chunks);
}

describe('readPinsCsv', () => {
    it('maps every Pinterest column to the draft field names', async () => {
        const csv = `${HEADER}\nMy pin,https://cdn.example.com/a.jpg,Recipes,,A description,https://example.com/post,2026-12-01T10:00:00Z,\n`;
        const { rows, warnings } = await read(csv);
        expect(rows).toEqual([
            {
                rowNumber: 2,
                draft: {
                    pinTitle: 'My pin',
                    imageUrl: 'https://cdn.example.com/a.jpg',
                    boardName: 'Recipes',
                    pinDescription: 'A description',
                    linkUrl: 'https://example.com/post',
                    publishAt: '2026-12-01T10:00:00Z',
                },
            },
        ]);
        expect(warnings).toEqual([]);
    });

    it('takes a Media URL ending in a video extension as a video, with the thumbnail as cover', async () => {
        const csv = [
            'Media URL,Pinterest board,Thumbnail',
            'https://cdn.example.com/clip.MP4?sig=abc,Videos,https://cdn.example.com/cover.jpg',
            'https://cdn.example.com/clip.mov#t=1,Videos,https://cdn.example.com/cover.jpg',
            'https://cdn.example.com/mp4/photo.png?name=x.mp4,Photos,',
        ].join('\n');
        const { rows } = await read(csv);
        expect(rows).toEqual([
            {
                rowNumber: 2,
                draft: {
                    videoUrl: 'https://cdn.example.com/clip.MP4?sig=abc',
                    boardName: 'Videos',
                    coverImageUrl: 'https://cdn.example.com/cover.jpg',
                },
            },
            {
                rowNumber: 3,
                draft: { videoUrl: 'https://cdn.example.com/clip.mov#t=1', boardName: 'Videos', coverImageUrl: 'https://cdn.example.com/cover.jpg' },
            },
            { rowNumber: 4, draft: { imageUrl: 'https://cdn.example.com/mp4/photo.png?name=x.mp4', boardName: 'Photos' } },
        ]);
        expect([isVideoUrl('https://x.test/v.m4v'), isVideoUrl('https://x.test/v.mp4.jpg'), isVideoUrl('not a url.mov')]).toEqual([
            true,
            false,
            true,
        ]);
    });

    it('matches headers ignoring case, spaces around them, column order and a BOM, and reads CRLF files', async () => {
        const csv = '\uFEFF  pinterest BOARD , media url,TITLE \r\nBoard A,https://x.test/1.jpg,First\r\nBoard B,https://x.test/2.jpg,Second\r\n';
        const { rows } = await read(csv);
        expect(rows).toEqual([
            { rowNumber: 2, draft: { boardName: 'Board A', imageUrl: 'https://x.test/1.jpg', pinTitle: 'First' } },
            { rowNumber: 3, draft: { boardName: 'Board B', imageUrl: 'https://x.test/2.jpg', pinTitle: 'Second' } },
        ]);
    });

    it('reads quoted commas, quotes and line breaks, counting a multi-line cell as one spreadsheet row', async () => {
        const csv = [
            'Title,Media URL,Pinterest board,Description',
            '"Salt, pepper and ""more""",https://x.test/1.jpg,Kitchen,"Line one',
            'line two, still the same cell"',
            'Next,https://x.test/2.jpg,Kitchen,Plain',
        ].join('\r\n');
        const { rows } = await read(csv);
        expect(rows).toEqual([
            {
                rowNumber: 2,
                draft: {
                    pinTitle: 'Salt, pepper and "more"',
                    imageUrl: 'https://x.test/1.jpg',
                    boardName: 'Kitchen',
                    pinDescription: 'Line one\r\nline two, still the same cell',
                },
            },
            { rowNumber: 3, draft: { pinTitle: 'Next', imageUrl: 'https://x.test/2.jpg', boardName: 'Kitchen', pinDescription: 'Plain' } },
        ]);
    });

    it('skips blank and all-empty rows silently but keeps counting them, and omits empty cells', async () => {
        const csv = `Title,Media URL,Pinterest board\n\nA,https://x.test/a.jpg,B\n , ,\n,https://x.test/b.jpg,B\n,,\n,,\n`;
        const { rows } = await read(csv);
        expect(rows).toEqual([
            { rowNumber: 3, draft: { pinTitle: 'A', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } },
            { rowNumber: 5, draft: { imageUrl: 'https://x.test/b.jpg', boardName: 'B' } },
        ]);
    });

    it('accepts rows shorter than the header and reports rows with more cells, naming the row', async () => {
        const csv = [
            'Title,Media URL,Pinterest board,Description',
            'Short,https://x.test/a.jpg,B',
            'Unquoted,https://x.test/b.jpg,B,one, two',
            'Trailing empties,https://x.test/c.jpg,B,desc,,',
        ].join('\n');
        const { rows } = await read(csv);
        expect(rows).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'Short', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } },
            {
                rowNumber: 3,
                problem: 'Row 3 has 5 cells but the header has 4 columns; a value containing a comma must be enclosed in double quotes.',
                // The cells after an unquoted comma are shifted: the row keeps only what comes before them.
                draft: { pinTitle: 'Unquoted', imageUrl: 'https://x.test/b.jpg' },
            },
            { rowNumber: 4, draft: { pinTitle: 'Trailing empties', imageUrl: 'https://x.test/c.jpg', boardName: 'B', pinDescription: 'desc' } },
        ]);
    });

    it('keeps a stray quote inside an unquoted cell as text, as spreadsheets do', async () => {
        const { rows } = await read('Title,Media URL,Pinterest board\n12" pizza,https://x.test/a.jpg,B\n');
        expect(rows).toEqual([{ rowNumber: 2, draft: { pinTitle: '12" pizza', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } }]);
    });

    it('reports an unclosed quote at its row after yielding the rows before it', async () => {
        const csv = 'Title,Media URL,Pinterest board\nGood,https://x.test/a.jpg,B\n"Broken,https://x.test/b.jpg,B\nLost,https://x.test/c.jpg,B\n';
        const { rows } = await read(csv);
        expect(rows).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'Good', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } },
            { rowNumber: 3, problem: 'Row 3 opens a double quote that is never closed. The rows after it could not be read.' },
        ]);
    });

    it('stops an unclosed quote from reading a large file into one cell', async () => {
        const filler = Array.from({ length: 30_000 }, (_, index) => `Row ${index},https://x.test/${index}.jpg,B`).join('\n');
        const { rows } = await read(`Title,Media URL,Pinterest board\nGood,https://x.test/a.jpg,B\n"Broken,x,B\n${filler}`);
        expect(rows).toHaveLength(2);
        expect(rows[1]).toEqual({
            rowNumber: 3,
            problem: expect.stringMatching(/^Row 3 is longer than 1024 KB, which usually means a double quote in it is never closed\./),
        });
    });

    it('warns once about Keywords, only when a row has some, and once about unknown columns', async () => {
        const rowsWithKeywords = Array.from(
            { length: 5 },
            (_, index) => `T${index},https://x.test/${index}.jpg,B,${index % 2 === 0 ? 'k1 k2' : ''},note`,
        );
        const withKeywords = await read(['Title,Media URL,Pinterest board,Keywords,Notes', ...rowsWithKeywords].join('\n'));
        expect(withKeywords.rows).toHaveLength(5);
        expect(withKeywords.warnings).toEqual([
            `pinsCsv: the column "Notes" is not among Pinterest's bulk-create columns (Title, Media URL, Pinterest board, Thumbnail, Description, Link, Publish date, Keywords, Section for a board section, and Account for the account a pin is for) and was ignored.`,
            'The Keywords column was ignored in 3 rows: Pinterest API v5 cannot set keywords on a pin; put them in the description instead.',
        ]);
        const emptyKeywords = await read('Title,Media URL,Pinterest board,Keywords,\nT,https://x.test/a.jpg,B,,\n');
        expect(emptyKeywords.warnings).toEqual([]);
        expect(emptyKeywords.rows).toEqual([{ rowNumber: 2, draft: { pinTitle: 'T', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } }]);
    });

    it('rejects a header without the required columns in one sentence naming them and the expected ones', async () => {
        const error = await failureOf(read('Title,Image,Board\nA,https://x.test/a.jpg,B\n', 'pinsCsvUrl'));
        expect(error).toBeInstanceOf(CsvFormatError);
        expect(error.message).toBe(
            'pinsCsvUrl has no "Media URL" and "Pinterest board" columns in its first row; the header must name Pinterest\'s bulk-create columns: Title, Media URL, Pinterest board, Thumbnail, Description, Link, Publish date, Keywords, Section for a board section, and Account for the account a pin is for (case does not matter).',
        );
        const oneMissing = await failureOf(read('Title,Media URL\nA,https://x.test/a.jpg\n'));
        expect(oneMissing.message).toMatch(/^pinsCsv has no "Pinterest board" column in its first row;/);
    });

    it('accepts a file without a Title column, since API v5 does not require titles', async () => {
        const { rows } = await read('Media URL,Pinterest board\nhttps://x.test/a.jpg,B\n');
        expect(rows).toEqual([{ rowNumber: 2, draft: { imageUrl: 'https://x.test/a.jpg', boardName: 'B' } }]);
    });

    it('rejects a header that names a column twice', async () => {
        const error = await failureOf(read('Title,Media URL,Pinterest board,title\nA,https://x.test/a.jpg,B,C\n'));
        expect(error).toBeInstanceOf(CsvFormatError);
        expect(error.message).toBe('pinsCsv has the column "Title" more than once in its header; keep one.');
    });

    it('rejects an empty file and yields nothing for a header without rows', async () => {
        for (const empty of ['', '\uFEFF']) {
            const error = await failureOf(read(empty));
            expect(error).toBeInstanceOf(CsvFormatError);
            expect(error.message).toMatch(/^pinsCsv is empty; its first row must be the header \(Title, Media URL, /);
        }
        expect(await read(`${HEADER}\r\n`)).toEqual({ rows: [], warnings: [] });
    });

    it('reads a stream delivered in small chunks that split multi-byte characters', async () => {
        const csv = `${HEADER}\r\n"Crème brûlée 🍮, fast",https://x.test/ü.jpg,Desserts — best,,"Zwei\r\nZeilen",,,\r\n`;
        const { rows } = await read(trickle(csv));
        expect(rows).toEqual([
            {
                rowNumber: 2,
                draft: {
                    pinTitle: 'Crème brûlée 🍮, fast',
                    imageUrl: 'https://x.test/ü.jpg',
                    boardName: 'Desserts — best',
                    pinDescription: 'Zwei\r\nZeilen',
                },
            },
        ]);
    });

    it('parses long text piece by piece without breaking characters at the cuts', async () => {
        // An emoji is two UTF-16 units; place one so that the 64 KB cut falls between them.
        const head = 'Title,Media URL,Pinterest board\nShort,https://x.test/a.jpg,B\n"';
        const title = `${'a'.repeat(64 * 1024 - 1 - head.length)}🍮, end`;
        const text = `${head}${title}",https://x.test/b.jpg,B\n`;
        expect(text.charCodeAt(64 * 1024 - 1)).toBe('🍮'.charCodeAt(0));
        const { rows } = await read(text);
        expect(rows).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'Short', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } },
            { rowNumber: 3, draft: { pinTitle: title, imageUrl: 'https://x.test/b.jpg', boardName: 'B' } },
        ]);
    });

    it('streams any number of rows, numbering them as a spreadsheet does', async () => {
        const count = 20_000;
        async function* lines() {
            yield `${HEADER}\n`;
            for (let index = 0; index < count; index++) yield `Pin ${index},https://x.test/${index}.jpg,Board,,"Description, ${index}",,,\n`;
        }
        let seen = 0;
        let last: CsvPinRow | CsvRowProblem | undefined;
        for await (const row of readPinsCsv(Readable.from(lines()), { onWarning: () => undefined })) {
            seen++;
            last = row;
        }
        expect(seen).toBe(count);
        expect(last).toEqual({
            rowNumber: count + 1,
            draft: {
                pinTitle: `Pin ${count - 1}`,
                imageUrl: `https://x.test/${count - 1}.jpg`,
                boardName: 'Board',
                pinDescription: `Description, ${count - 1}`,
            },
        });
    });

    it('stops reading the source when the consumer stops', async () => {
        async function* endless() {
            yield `${HEADER}\n`;
            for (let index = 0; ; index++) yield `Pin ${index},https://x.test/${index}.jpg,Board,,,,,\n`;
        }
        const source = Readable.from(endless());
        for await (const row of readPinsCsv(source, { onWarning: () => undefined })) {
            expect(row.rowNumber).toBe(2);
            break;
        }
        expect(source.destroyed).toBe(true);
    });

    it('ends with the error of a failing source stream', async () => {
        async function* broken() {
            yield `${HEADER}\nA,https://x.test/a.jpg,B,,,,,\n`;
            throw new Error('connection reset');
        }
        const error = await failureOf(read(Readable.from(broken())));
        expect(error.message).toBe('connection reset');
    });
});

describe('CSV from spreadsheets', () => {
    it("reads Excel's semicolon-separated CSV, commas in its cells included", async () => {
        const csv = 'Title;Media URL;Pinterest board;Description\r\nLemon tart, the easy way;https://x.test/a.jpg;Desserts;Sweet, sharp\r\n';
        const { rows, warnings } = await read(csv);
        expect(rows).toEqual([
            {
                rowNumber: 2,
                draft: {
                    pinTitle: 'Lemon tart, the easy way',
                    imageUrl: 'https://x.test/a.jpg',
                    boardName: 'Desserts',
                    pinDescription: 'Sweet, sharp',
                },
            },
        ]);
        expect(warnings).toEqual([]);
    });

    it('reads tab-separated text as pasted from Google Sheets or Excel, also when it arrives in small pieces', async () => {
        const tsv =
            '\uFEFFTitle\tMedia URL\tPinterest board\nTart, lemon\thttps://x.test/a.jpg\tDesserts\n"Quoted\ttab"\thttps://x.test/b.jpg\tDesserts\n';
        const expected = [
            { rowNumber: 2, draft: { pinTitle: 'Tart, lemon', imageUrl: 'https://x.test/a.jpg', boardName: 'Desserts' } },
            { rowNumber: 3, draft: { pinTitle: 'Quoted\ttab', imageUrl: 'https://x.test/b.jpg', boardName: 'Desserts' } },
        ];
        expect((await read(tsv)).rows).toEqual(expected);
        expect((await read(trickle(tsv, 2))).rows).toEqual(expected);
    });

    it('keeps a comma-separated file comma-separated when its cells hold semicolons', async () => {
        const csv = 'Title,Media URL,Pinterest board\n"A; B",https://x.test/a.jpg,Desserts\n';
        expect((await read(csv)).rows).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'A; B', imageUrl: 'https://x.test/a.jpg', boardName: 'Desserts' } },
        ]);
    });

    it('reads a file whose header line is all there is, in any separator', async () => {
        expect(await read('Title;Media URL;Pinterest board')).toEqual({ rows: [], warnings: [] });
    });

    it('names the separator in the hint for a row with too many cells', async () => {
        const { rows } = await read('Title;Media URL;Pinterest board\nA;https://x.test/a.jpg;B;extra\n');
        expect(rows[0]).toMatchObject({ problem: expect.stringMatching(/a value containing a semicolon must be enclosed in double quotes\.$/) });
    });

    it('maps the Section column, our addition to Pinterest’s format, to boardSectionName', async () => {
        const { rows, warnings } = await read('Title,Media URL,Pinterest board,Section\nA,https://x.test/a.jpg,Desserts,Tarts\n');
        expect(rows).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'A', imageUrl: 'https://x.test/a.jpg', boardName: 'Desserts', boardSectionName: 'Tarts' } },
        ]);
        expect(warnings).toEqual([]);
    });

    it("says what is wrong with a row in its columns' names", () => {
        const problems = (draft: Record<string, string>) => {
            const check = checkDraft(draft, CSV_FIELD_LABELS);
            return check.ok ? [] : check.problems;
        };
        expect(problems({ pinTitle: 'A', imageUrl: 'https://x.test/a.jpg', boardName: 'B', linkUrl: 'example.com' })).toEqual([
            'Link must be a full http(s) URL, for example https://example.com/page',
        ]);
        expect(problems({ pinTitle: 'A'.repeat(101), imageUrl: 'x.jpg', boardName: 'B' })).toEqual([
            'Title must be at most 100 characters',
            'Media URL must be a full http(s) URL, for example https://example.com/image.jpg',
        ]);
        expect(problems({ imageUrl: 'https://x.test/a.jpg' })).toEqual(['Pinterest board is required', 'Title is required']);
        expect(problems({ pinTitle: 'A', boardName: 'B' })).toEqual(['Media URL is required']);
        expect(problems({ pinTitle: 'A', boardName: 'B', videoUrl: 'https://x.test/v.mp4' })).toEqual([
            'Media URL needs Thumbnail: Pinterest requires a cover image for a video pin',
        ]);
        expect(problems({ pinTitle: 'A', boardName: 'B', imageUrl: 'https://x.test/a.jpg', coverImageUrl: 'https://x.test/c.jpg' })).toEqual([
            'Thumbnail is only for video pins, and Media URL is not a video (.mp4, .mov or .m4v)',
        ]);
        expect(problems({ pinTitle: 'A', boardName: 'B', imageUrl: 'https://x.test/a.jpg', publishAt: 'x'.repeat(65) })).toEqual([
            'Publish date must be an ISO 8601 date and time such as 2026-12-01T09:00:00Z',
        ]);
    });
});

describe('openCsvUrl', () => {
    let server: Server;
    let base: string;
    let tempDir: string;
    const noSleep = async () => undefined;
    const requests: string[] = [];

    beforeAll(async () => {
        server = createServer((request, response) => {
            requests.push(request.url ?? '');
            const path = new URL(request.url ?? '/', 'http://localhost').pathname;
            if (path === '/pins.csv') {
                response.writeHead(200, { 'content-type': 'text/csv' });
                response.end(`\uFEFF${HEADER}\r\nFrom URL,https://x.test/a.jpg,B,,,,,\r\n`);
            } else if (path === '/moved') {
                response.writeHead(302, { location: '/pins.csv' });
                response.end();
            } else if (path === '/share-page') {
                response.writeHead(200, { 'content-type': 'text/html' });
                response.end("\n  <!DOCTYPE html><html><body>Google Drive can't scan this file for viruses.</body></html>");
            } else if (path === '/huge-declared') {
                response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
                response.end();
            } else if (path === '/huge-chunked') {
                response.writeHead(200, { 'content-type': 'text/csv' });
                const line = `${'x'.repeat(1023)}\n`;
                let sent = 0;
                const push = () => {
                    while (sent < 4096) {
                        sent++;
                        if (!response.write(line)) return void response.once('drain', push);
                    }
                    response.end();
                };
                push();
            } else if (path === '/flaky') {
                const attempt = requests.filter((url) => url === '/flaky').length;
                if (attempt === 1) {
                    response.writeHead(503);
                    response.end();
                } else {
                    response.writeHead(200);
                    response.end(`${HEADER}\nAfter retry,https://x.test/a.jpg,B,,,,,\n`);
                }
            } else {
                response.writeHead(404);
                response.end('not found');
            }
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    beforeEach(async () => {
        requests.length = 0;
        tempDir = await mkdtemp(join(tmpdir(), 'csv-url-test-'));
    });

    afterEach(async () => rm(tempDir, { recursive: true, force: true }));

    async function rowsFrom(url: string) {
        const stream = await openCsvUrl(url, { tempDir, sleep: noSleep });
        // The temporary copy has no name left on disk even before it is read.
        expect(await readdir(tempDir)).toEqual([]);
        const { rows } = await read(stream, 'pinsCsvUrl');
        return rows;
    }

    it('downloads to a temporary file, follows redirects and removes the file once read', async () => {
        expect(await rowsFrom(`${base}/moved?token=secret`)).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'From URL', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } },
        ]);
    });

    it('retries a passing server error', async () => {
        expect(await rowsFrom(`${base}/flaky`)).toEqual([
            { rowNumber: 2, draft: { pinTitle: 'After retry', imageUrl: 'https://x.test/a.jpg', boardName: 'B' } },
        ]);
        expect(requests).toEqual(['/flaky', '/flaky']);
    });

    it.each([
        [
            '/missing.csv?sig=secret',
            `pinsCsvUrl: the CSV file at BASE/missing.csv could not be downloaded (HTTP 404); check that the link is correct and public.`,
        ],
        [
            '/share-page',
            'pinsCsvUrl: the CSV file at BASE/share-page is a web page, not the file itself; use a direct download link (one that starts the download in a browser).',
        ],
        ['/huge-declared', 'pinsCsvUrl: the CSV file at BASE/huge-declared is larger than 1 MB, the most this Actor accepts; use a smaller file.'],
        ['/huge-chunked', 'pinsCsvUrl: the CSV file at BASE/huge-chunked is larger than 1 MB, the most this Actor accepts; use a smaller file.'],
    ])('fails %s with one sentence naming pinsCsvUrl, without the query, leaving no file', async (path, message) => {
        const error = await failureOf(openCsvUrl(`${base}${path}`, { tempDir, sleep: noSleep, maxBytes: 1024 * 1024 }));
        expect(error).toBeInstanceOf(DownloadError);
        expect(error.message).toBe(message.replace('BASE', base));
        expect(error.message).not.toContain('secret');
        expect(await readdir(tempDir)).toEqual([]);
        // Client errors and refusals are final; only the 404 path is asked exactly once.
        if (path.startsWith('/missing')) expect(requests).toHaveLength(1);
    });

    it('refuses a URL that is not http(s) before any request', async () => {
        const error = await failureOf(openCsvUrl('file:///etc/passwd', { tempDir }));
        expect(error.message).toBe('pinsCsvUrl must be an http(s) URL of the CSV file; got "file:///etc/passwd".');
        expect(requests).toEqual([]);
    });

    it('names the error code when the host cannot be reached', async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        const error = await failureOf(openCsvUrl(`http://127.0.0.1:${port}/pins.csv`, { tempDir, sleep: noSleep }));
        expect(error.message).toBe(
            `pinsCsvUrl: the CSV file at http://127.0.0.1:${port}/pins.csv could not be downloaded (ECONNREFUSED); check that the host is reachable and try again.`,
        );
        expect(await readdir(tempDir)).toEqual([]);
    });
});
