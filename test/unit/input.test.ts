import { describe, expect, it } from 'vitest';

import { UserInputError } from '../../src/input/parse.js';
import { MODES, parseActorInput as parseInput } from '../../src/modes/index.js';

const problemsOf = (raw: unknown): string[] => {
    try {
        parseInput(raw);
    } catch (error) {
        if (error instanceof UserInputError) return error.problems;
        throw error;
    }
    throw new Error('expected the input to be rejected');
};

describe('parseInput', () => {
    it('applies the documented defaults', () => {
        expect(parseInput({ accessToken: 'pina_token' })).toEqual({
            mode: 'list-boards',
            accessToken: 'pina_token',
            credentialsStoreName: 'pinterest-credentials',
            environment: 'production',
            skipPreflight: false,
            maxItems: 25,
            includeSections: false,
        });
    });

    it('treats blank strings as not given, as the seed Actor’s API example sends them', () => {
        const input = parseInput({
            mode: 'list-boards',
            accessToken: 'pina_token',
            boardId: '',
            pinTitle: 'Check this out!',
            pinDescription: '',
            linkUrl: '',
            maxItems: 25,
        });
        expect(input.boardId).toBeUndefined();
        expect(input.linkUrl).toBeUndefined();
    });

    it('accepts a complete create-pin input and keeps 800-character descriptions', () => {
        const input = parseInput({
            mode: 'create-pin',
            accessToken: 'pina_token',
            boardId: '549755885175',
            pinTitle: 'a'.repeat(100),
            pinDescription: 'd'.repeat(800),
            imageUrl: 'https://example.com/image.jpg',
            linkUrl: 'https://example.com/',
            altText: 'x'.repeat(500),
        });
        expect(input.pinDescription).toHaveLength(800);
    });

    it('names every offending field and its limit in one go', () => {
        const problems = problemsOf({
            mode: 'create-pin',
            accessToken: 'pina_token',
            boardId: 'my-board',
            pinTitle: 'a'.repeat(101),
            pinDescription: 'd'.repeat(801),
            imageUrl: 'not a url',
            linkUrl: `https://example.com/${'x'.repeat(2048)}`,
            altText: 'x'.repeat(501),
        });
        expect(problems).toEqual([
            'boardId must contain digits only, for example "549755885175"',
            'pinTitle must be at most 100 characters',
            'pinDescription must be at most 800 characters',
            'imageUrl must be a full http(s) URL, for example https://example.com/image.jpg',
            'linkUrl must be at most 2048 characters',
            'altText must be at most 500 characters',
        ]);
    });

    it('requires the create-pin fields only in that mode', () => {
        expect(problemsOf({ mode: 'create-pin', accessToken: 'pina_token' })).toEqual([
            'create-pin needs a pin: boardId, pinTitle and imageUrl for one pin, or pins, pinsCsv or pinsCsvUrl for many',
        ]);
        expect(problemsOf({ mode: 'create-pin', accessToken: 'pina_token', pinTitle: 'Hello' })).toEqual([
            'boardId or boardName is required for mode create-pin',
            'imageUrl, imageUrls (a carousel) or videoUrl is required for mode create-pin',
        ]);
        expect(() => parseInput({ mode: 'get-user-pins', accessToken: 'pina_token' })).not.toThrow();
    });

    it('needs an access token or the whole refresh trio', () => {
        expect(problemsOf({})).toEqual(['accessToken is required (or give refreshToken, appId and appSecret so the Actor can get one)']);
        expect(problemsOf({ refreshToken: 'pinr_x', appId: '1234' })).toEqual([
            'refreshToken, appId and appSecret work only together: add appSecret, or leave all three empty',
        ]);
        // Even next to an access token: a half-given refresh setup would fail silently a month later.
        expect(problemsOf({ accessToken: 'pina_token', refreshToken: 'pinr_x' })).toEqual([
            'refreshToken, appId and appSecret work only together: add appId and appSecret, or leave all three empty',
        ]);
        expect(parseInput({ refreshToken: 'pinr_x', appId: '1234', appSecret: 'secret' }).accessToken).toBeUndefined();
    });

    it('rejects unknown enum values and wrong types with the allowed values', () => {
        expect(problemsOf({ accessToken: 't', mode: 'delete-everything', environment: 'staging', maxItems: 2.5, includeMetrics: 'yes' })).toEqual([
            `mode must be one of: ${MODES.join(', ')}`,
            'environment must be one of: production, sandbox',
            'maxItems must be a whole number from 1 to 10000',
            'includeMetrics must be true or false',
        ]);
        expect(problemsOf({ accessToken: 't', maxItems: 0 })).toEqual(['maxItems must be at least 1']);
    });

    it('is forgiving where intent is clear: numeric board ids and lower-case privacy', () => {
        expect(parseInput({ mode: 'get-user-pins', accessToken: 't', boardId: 549755885175 }).boardId).toBe('549755885175');
        expect(parseInput({ accessToken: 't', boardPrivacy: 'secret' }).boardPrivacy).toBe('SECRET');
    });

    it('checks create-pin scheduling options before any request: time zone and spacing', () => {
        const pins = [{ boardId: '549755885175', pinTitle: 'A', imageUrl: 'https://example.com/a.jpg' }];
        expect(problemsOf({ mode: 'create-pin', accessToken: 't', pins, timeZone: 'Mars/Olympus', spacing: { timeSlots: ['09:00'] } })).toEqual([
            'timeZone "Mars/Olympus" is not an IANA time zone name: use one such as UTC, Europe/Berlin or America/New_York',
        ]);
        expect(
            problemsOf({
                mode: 'create-pin',
                accessToken: 't',
                pins,
                spacing: { intervalMinutes: 0, timeSlots: ['25:00'], startAt: '2026-02-30T09:00' },
            }),
        ).toEqual([
            'spacing.intervalMinutes must be a whole number from 1 to 10080 (one week)',
            'spacing.timeSlots entry "25:00" is not a time of day: use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30',
            'spacing.intervalMinutes and spacing.timeSlots cannot be used together: give one of them',
            'spacing.startAt "2026-02-30T09:00" is not a real date and time: February 2026 has 28 days',
        ]);
    });

    it('rejects input that is not an object', () => {
        expect(problemsOf('list-boards')[0]).toMatch(/must be a JSON object/);
    });
});

describe('parseInput with nulls', () => {
    it('treats null as not given, as AI agents often send it', () => {
        const input = parseInput({
            accessToken: null,
            refreshToken: 'pinr_x',
            appId: '1234',
            appSecret: 'secret',
            boardId: null,
            maxItems: null,
            includeMetrics: null,
            mode: null,
            boardPrivacy: null,
        });
        expect(input).toMatchObject({ mode: 'list-boards', maxItems: 25 });
        expect(input.accessToken).toBeUndefined();
    });
});

describe('impossible credentials and ids are input errors', () => {
    it('rejects tokens with line breaks or control characters, without echoing them', () => {
        const problems = problemsOf({ accessToken: 'pina_abc\r\nX-Evil: 1', appSecret: 'sec\u0000ret', refreshToken: 'pinr_ok', appId: '1234' });
        expect(problems).toEqual([
            'accessToken must be one line of letters, digits and punctuation, without spaces or line breaks: copy it again',
            'appSecret must be one line of letters, digits and punctuation, without spaces or line breaks: copy it again',
        ]);
        expect(problems.join(' ')).not.toContain('pina_abc');
    });

    it('rejects absurdly long tokens', () => {
        expect(problemsOf({ accessToken: `pina_${'x'.repeat(2000)}` })).toEqual([
            'accessToken must be at most 2000 characters (Pinterest tokens are far shorter): copy it again',
        ]);
        expect(parseInput({ accessToken: `pina_${'x'.repeat(1990)}` }).accessToken).toHaveLength(1995);
    });

    it('rejects ids longer than Pinterest ids, wherever an id is taken', () => {
        const long = '1'.repeat(100_000);
        expect(problemsOf({ mode: 'get-user-pins', accessToken: 't', boardId: long })).toEqual([
            'boardId must be at most 20 digits, as Pinterest ids are',
        ]);
        expect(problemsOf({ mode: 'create-pin', accessToken: 't', boardId: long, pinTitle: 'x', imageUrl: 'https://example.com/a.jpg' })).toContain(
            'boardId must be at most 20 digits, as Pinterest ids are',
        );
        expect(problemsOf({ refreshToken: 'pinr_x', appId: '9'.repeat(21), appSecret: 'secret' })).toEqual([
            'appId must be at most 20 digits, as Pinterest App IDs are',
        ]);
        expect(parseInput({ mode: 'get-user-pins', accessToken: 't', boardId: '9'.repeat(20) }).boardId).toHaveLength(20);
    });

    it('gives an example that fits the field: a link is a page, not an image', () => {
        expect(
            problemsOf({
                mode: 'create-pin',
                accessToken: 't',
                boardId: '1',
                pinTitle: 'x',
                imageUrl: 'https://example.com/a.jpg',
                linkUrl: 'example',
            }),
        ).toEqual(['linkUrl must be a full http(s) URL, for example https://example.com/page']);
    });
});

describe('unknown input fields', () => {
    it('fails on a near miss of a known field, naming the field meant, before anything else', () => {
        expect(problemsOf({ mode: 'get-user-pins', accessToken: 't', boardID: '549755885175' })).toEqual([
            'unknown field boardID: did you mean boardId?',
        ]);
        expect(problemsOf({ accessToken: 't', maxitems: 5 })).toEqual(['unknown field maxitems: did you mean maxItems?']);
        expect(problemsOf({ accessToken: 't', maxItem: 5 })).toEqual(['unknown field maxItem: did you mean maxItems?']);
        expect(problemsOf({ accessToken: 't', acessTokn: 'x' })).toEqual(['unknown field acessTokn: did you mean accessToken?']);
        expect(problemsOf({ accessToken: 't', mdoe: 'list-boards' })).toEqual(['unknown field mdoe: did you mean mode?']);
    });

    it('accepts fields of other modes, as the Console form sends every field', () => {
        const warnings: string[] = [];
        const input = parseInput(
            { mode: 'list-boards', accessToken: 't', boardId: '', pinTitle: 'Check this out!', includeMetrics: false },
            { warn: (message) => warnings.push(message) },
        );
        expect(input.mode).toBe('list-boards');
        expect(warnings).toEqual([]);
    });

    it('warns once, naming them, about other unknown fields', () => {
        const warnings: string[] = [];
        parseInput({ accessToken: 't', colour: 'red', proxyConfiguration: { useApifyProxy: true } }, { warn: (message) => warnings.push(message) });
        expect(warnings).toEqual(['The input has fields no mode uses, ignored: colour, proxyConfiguration.']);
    });
});
