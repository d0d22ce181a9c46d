import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { describeIssue, UserInputError } from '../../src/input/parse.js';
import { allInputFields, MODES, parseActorInput as parseInput } from '../../src/modes/index.js';
import { pinResultItem } from '../../src/output/items.js';
import { checkDraft, pinDraftShape } from '../../src/publish/draft.js';
import { checkSpacing } from '../../src/schedule/spacing-options.js';

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
            'spacing.timeSlots entry "25:00" is not a time of day: use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30, after days if you like: "Mon-Fri 09:00", "Sat,Sun 11:30"',
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

const aPin = { boardId: '549755885175', pinTitle: 'Lemon tart', imageUrl: 'https://example.com/tart.jpg' };

describe('unknown keys inside pins and spacing are caught like top-level ones', () => {
    it('stops at a near miss inside a pin before any request: another case, snake_case, a letter off', () => {
        expect(
            problemsOf({
                mode: 'create-pin',
                accessToken: 't',
                pins: [
                    { ...aPin, publish_at: '2026-12-20T09:00Z' },
                    { ...aPin, linkURL: 'https://example.com/post' },
                    { ...aPin, alt_text: 'A tart', image_url: 'https://example.com/b.jpg' },
                    { ...aPin, pinTitel: 'Typo' },
                ],
            }),
        ).toEqual([
            'pins[0]: unknown field publish_at: did you mean publishAt?',
            'pins[1]: unknown field linkURL: did you mean linkUrl?',
            'pins[2]: unknown field alt_text: did you mean altText?',
            'pins[2]: unknown field image_url: did you mean imageUrl?',
            'pins[3]: unknown field pinTitel: did you mean pinTitle?',
        ]);
    });

    it('takes snake_case of a top-level field as a near miss too', () => {
        expect(problemsOf({ mode: 'create-pin', accessToken: 't', ...aPin, alt_text: 'A tart', time_zone: 'Europe/Berlin' })).toEqual([
            'unknown field alt_text: did you mean altText?',
            'unknown field time_zone: did you mean timeZone?',
        ]);
    });

    it('stops at any unknown key in spacing, naming the key meant where there is one', () => {
        const spacingProblems = (spacing: unknown) => problemsOf({ mode: 'create-pin', accessToken: 't', pins: [aPin], spacing });
        expect(spacingProblems({ interval: 60 })).toEqual(['spacing: unknown field interval: did you mean intervalMinutes?']);
        expect(spacingProblems({ timeslots: ['09:00'] })).toEqual(['spacing: unknown field timeslots: did you mean timeSlots?']);
        expect(spacingProblems({ intervalMinute: 60 })).toEqual(['spacing: unknown field intervalMinute: did you mean intervalMinutes?']);
        expect(spacingProblems({ slots: ['09:00'] })).toEqual([
            'spacing: unknown field slots: spacing takes startAt, intervalMinutes, timeSlots, jitterMinutes, minDaysBetweenSameLink, maxPerDay',
        ]);
    });

    it('fails a pin with any other unknown key (its row, not the run), rather than publishing it without that key', () => {
        const check = checkDraft({ ...aPin, colour: 'red' });
        expect(check).toMatchObject({ ok: false, draft: { pinTitle: 'Lemon tart', imageUrl: 'https://example.com/tart.jpg' } });
        expect(check.ok ? [] : check.problems).toEqual([
            'unknown field colour: a pin takes boardId, boardName, boardSectionId, boardSectionName, pinTitle, pinDescription, imageUrl, imageUrls, videoUrl, coverImageUrl, linkUrl, altText, publishAt, key, boards, boardIntervalDays, title, description, link',
        ]);
        // Not an input error: one odd pin does not stop the batch.
        expect(() => parseInput({ mode: 'create-pin', accessToken: 't', pins: [aPin, { ...aPin, colour: 'red' }] })).not.toThrow();
    });
});

describe('the names our own output rows use are understood', () => {
    it('reads title, description and link as pinTitle, pinDescription and linkUrl at the top level', () => {
        const input = parseInput({
            mode: 'create-pin',
            accessToken: 't',
            boardId: '549755885175',
            title: 'Lemon tart',
            description: 'Sweet and sharp',
            link: 'https://example.com/tart',
            imageUrl: 'https://example.com/tart.jpg',
        });
        expect(input).toMatchObject({ pinTitle: 'Lemon tart', pinDescription: 'Sweet and sharp', linkUrl: 'https://example.com/tart' });
        expect(input).not.toHaveProperty('title');
    });

    it('reads them in pins too, and a whole result row copied back loses nothing', () => {
        const row = pinResultItem({
            status: 'created',
            position: 1,
            source: 'pins[0]',
            id: '813744226420795999',
            url: 'https://www.pinterest.com/pin/813744226420795999/',
            boardId: '549755885175',
            title: 'Lemon tart',
            description: 'Sweet and sharp',
            link: 'https://example.com/tart',
            altText: 'A tart',
            imageUrl: 'https://example.com/tart.jpg',
            mediaType: 'image',
        });
        const check = checkDraft(row);
        expect(check).toMatchObject({
            ok: true,
            draft: {
                boardId: '549755885175',
                pinTitle: 'Lemon tart',
                pinDescription: 'Sweet and sharp',
                linkUrl: 'https://example.com/tart',
                altText: 'A tart',
                imageUrl: 'https://example.com/tart.jpg',
            },
        });
        expect([...check.ignored].sort()).toEqual(
            [
                'type',
                'status',
                'position',
                'source',
                'id',
                'url',
                'mediaType',
                'createdAt',
                'scheduleId',
                'publishAtLocal',
                'lateByMinutes',
                'error',
                'reason',
            ].sort(),
        );
    });

    it('refuses an alias and its field with different values, and takes them with the same value', () => {
        expect(problemsOf({ mode: 'create-pin', accessToken: 't', ...aPin, title: 'Other tart' })).toEqual([
            'title and pinTitle are the same field (title is its name in the output rows), given two different values: keep one',
        ]);
        expect(parseInput({ mode: 'create-pin', accessToken: 't', ...aPin, title: ' Lemon tart ' }).pinTitle).toBe('Lemon tart');
        const check = checkDraft({ ...aPin, link: 'https://example.com/a', linkUrl: 'https://example.com/b' });
        expect(check.ok ? [] : check.problems).toEqual([
            'link and linkUrl are the same field (link is its name in the output rows), given two different values: keep one',
        ]);
    });

    it('says "did you mean" for another case of an alias, naming the field it stands for', () => {
        expect(problemsOf({ mode: 'create-pin', accessToken: 't', ...aPin, Link: 'https://example.com/a' })).toEqual([
            'unknown field Link: did you mean linkUrl?',
        ]);
    });
});

describe('boardName works wherever boardId does', () => {
    it('is taken by get-user-pins and get-pin-analytics, but not together with boardId (or pinIds)', () => {
        expect(parseInput({ mode: 'get-user-pins', accessToken: 't', boardName: ' Summer Recipes ' }).boardName).toBe('Summer Recipes');
        expect(parseInput({ mode: 'get-pin-analytics', accessToken: 't', boardName: 'Summer Recipes' }).boardName).toBe('Summer Recipes');
        expect(problemsOf({ mode: 'get-user-pins', accessToken: 't', boardId: '1', boardName: 'Summer Recipes' })).toEqual([
            'give boardId or boardName, not both',
        ]);
        expect(problemsOf({ mode: 'get-pin-analytics', accessToken: 't', pinIds: ['1'], boardName: 'Summer Recipes' })).toEqual([
            'Give either pinIds or boardName, not both',
        ]);
    });
});

describe('mode names and input without a mode', () => {
    it('says "did you mean" for another spelling of a mode', () => {
        expect(problemsOf({ accessToken: 't', mode: 'create_pin' })[0]).toBe('mode "create_pin" is not a mode: did you mean create-pin?');
        expect(problemsOf({ accessToken: 't', mode: 'createPin' })[0]).toBe('mode "createPin" is not a mode: did you mean create-pin?');
        expect(problemsOf({ accessToken: 't', mode: 'List-Boards' })[0]).toBe('mode "List-Boards" is not a mode: did you mean list-boards?');
        expect(problemsOf({ accessToken: 't', mode: 'get-pins-analytic' })[0]).toBe(
            'mode "get-pins-analytic" is not a mode: did you mean get-pin-analytics?',
        );
    });

    it('fails an input of create-pin fields without a mode, instead of listing boards', () => {
        expect(problemsOf({ accessToken: 't', pins: [aPin] })).toEqual([
            'the input has create-pin fields but no mode: add "mode": "create-pin" (without a mode the run lists boards and ignores pins)',
        ]);
        expect(problemsOf({ accessToken: 't', pinsCsv: 'Title,Media URL,Pinterest board' })[0]).toMatch(
            /^the input has create-pin fields but no mode/,
        );
        expect(problemsOf({ accessToken: 't', title: 'Lemon tart', imageUrl: 'https://example.com/tart.jpg' })[0]).toMatch(
            /^the input has create-pin fields but no mode: add "mode": "create-pin"/,
        );
        expect(problemsOf({ accessToken: 't', boardId: '549755885175' })).toEqual([
            'the input has no mode: add "mode" with one of create-pin, get-user-pins, update-pins, get-pin-analytics (without a mode the run lists boards and ignores boardId)',
        ]);
    });

    it('still lists boards without a mode when the other fields are blank or at their defaults, as forms and templates send them', () => {
        const blanks = { pinTitle: '', pins: [], spacing: {}, includeMetrics: false, dryRun: false, timeZone: 'UTC', maxItems: 5 };
        expect(parseInput({ accessToken: 't', ...blanks }).mode).toBe('list-boards');
    });
});

describe("messages in the user's words", () => {
    const ZOD_WORDS = /Invalid input|expected|received|nonoptional/;
    const WRONG_VALUES: unknown[] = [123, true, 'text', [1], { a: 1 }];

    it('says for every field what it takes when given the wrong type, never in zod’s words', () => {
        const fields = allInputFields.shape as Record<string, z.ZodType>;
        for (const [name, schema] of Object.entries(fields)) {
            for (const value of WRONG_VALUES) {
                const result = schema.safeParse(value);
                for (const issue of result.error?.issues ?? []) {
                    const message = describeIssue({ ...issue, path: [name, ...issue.path] });
                    expect(message, `${name}=${JSON.stringify(value)}`).not.toMatch(ZOD_WORDS);
                    expect(message.startsWith(name), `${name}=${JSON.stringify(value)}: ${message}`).toBe(true);
                }
            }
        }
        expect(problemsOf({ mode: 'create-pin', accessToken: 't', ...aPin, publishAt: 20261201 })).toEqual([
            'publishAt must be a date and time text such as 2026-12-01T09:00',
        ]);
    });

    it('does the same inside each pin of pins and inside spacing', () => {
        for (const name of Object.keys(pinDraftShape)) {
            for (const value of WRONG_VALUES) {
                const check = checkDraft({ ...aPin, [name]: value });
                for (const problem of check.ok ? [] : check.problems) expect(problem, `${name}=${JSON.stringify(value)}`).not.toMatch(ZOD_WORDS);
            }
        }
        for (const key of ['startAt', 'intervalMinutes', 'timeSlots', 'jitterMinutes', 'minDaysBetweenSameLink', 'maxPerDay']) {
            for (const value of WRONG_VALUES) {
                const checked = checkSpacing({ [key]: value }, 'UTC');
                for (const problem of checked.ok ? [] : checked.problems) {
                    expect(problem, `${key}=${JSON.stringify(value)}`).not.toMatch(ZOD_WORDS);
                    expect(problem, `${key}=${JSON.stringify(value)}`).toMatch(/^spacing\./);
                }
            }
        }
    });

    it('tells a token pasted with its Bearer prefix to drop it', () => {
        expect(problemsOf({ accessToken: 'Bearer pina_abc123' })).toEqual(['accessToken must be the token alone: remove the Bearer prefix']);
        expect(problemsOf({ accessToken: 'bearer pina_abc123' })).toEqual(['accessToken must be the token alone: remove the Bearer prefix']);
    });

    it('reads a pin ID out of a pin page address, and says what to give for other addresses', () => {
        const analytics = (pinIds: unknown[]) => parseInput({ mode: 'get-pin-analytics', accessToken: 't', pinIds }).pinIds;
        expect(
            analytics([
                'https://www.pinterest.com/pin/813744226420795884/',
                'https://pinterest.co.uk/pin/lemon-ricotta-pancakes--813744226420795885/?utm_source=x',
                'HTTPS://WWW.PINTEREST.DE/PIN/813744226420795886',
            ]),
        ).toEqual(['813744226420795884', '813744226420795885', '813744226420795886']);
        expect(problemsOf({ mode: 'get-pin-analytics', accessToken: 't', pinIds: ['https://pin.it/3xAmPlE'] })).toEqual([
            "pinIds[0]: a pin.it short link has no ID in it: open it and copy the address of the pin's page (…/pin/813744226420795884/)",
        ]);
        expect(problemsOf({ mode: 'get-user-pins', accessToken: 't', boardId: 'https://www.pinterest.com/user/board-slug/' })).toEqual([
            'boardId: a board URL has no ID: use boardName, or list-boards to find the id',
        ]);
        expect(problemsOf({ mode: 'get-user-pins', accessToken: 't', boardId: 'https://www.pinterest.com/pin/813744226420795884/' })).toEqual([
            "boardId is the address of a pin, not of a board: give the board's ID (list-boards shows it) or its name in boardName",
        ]);
        const check = checkDraft({ ...aPin, boardSectionId: 'https://www.pinterest.com/user/board-slug/section-slug/' });
        expect(check.ok ? [] : check.problems).toEqual([expect.stringMatching(/^boardSectionId: a board section URL has no ID in it: /)]);
    });
});

describe('boardSectionName', () => {
    it('is a pin field of its own, exclusive with boardSectionId, and never dropped on the way to Pinterest', () => {
        const named = checkDraft({ ...aPin, boardSectionName: 'Tarts' });
        // The board directory resolves the name to the section's ID when the pin is published or queued.
        expect(named.ok ? named.draft.boardSectionName : named.problems).toBe('Tarts');
        const both = checkDraft({ ...aPin, boardSectionName: 'Tarts', boardSectionId: '123' });
        expect(both.ok ? [] : both.problems).toEqual(['give boardSectionId or boardSectionName, not both']);
        const long = checkDraft({ ...aPin, boardSectionName: 'x'.repeat(181) });
        expect(long.ok ? [] : long.problems).toEqual(['boardSectionName must be at most 180 characters']);
    });
});
