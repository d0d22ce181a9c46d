import { describe, expect, it } from 'vitest';

import { parseActorInput } from '../../src/modes/index.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import {
    computeChanges,
    holdsChanges,
    isBetaRefusal,
    mergeSpecs,
    pinErrorOf,
    type PinValues,
    rewriteLink,
    stopsTheBatch,
    toPinUpdate,
    wantedLink,
    withQueryParams,
} from '../../src/publish/pin-edits.js';

const pin = (values: Partial<PinValues> = {}): PinValues => ({
    pinTitle: 'Lemon tart',
    pinDescription: 'Sweet and sharp',
    linkUrl: 'https://old-shop.com/tart?ref=board',
    altText: null,
    boardId: '549755885175',
    boardSectionId: null,
    ...values,
});

describe('link rewriting', () => {
    it('replaces every occurrence of a plain substring, taking it literally', () => {
        expect(rewriteLink('https://old-shop.com/a?back=https://old-shop.com/', { find: 'old-shop.com', replace: 'new-shop.com' })).toBe(
            'https://new-shop.com/a?back=https://new-shop.com/',
        );
        // No patterns: dots are dots, and `$&` in the replacement is text.
        expect(rewriteLink('https://a.b/x', { find: 'a.b', replace: 'c$&d' })).toBe('https://c$&d/x');
        expect(rewriteLink('https://axb/x', { find: 'a.b', replace: 'z' })).toBe('https://axb/x');
        expect(rewriteLink('https://shop.com/', { find: 'Shop', replace: 'x' })).toBe('https://shop.com/');
    });
});

describe('query parameters', () => {
    it('adds new ones at the end, keeping the others, their order and their encoding byte for byte', () => {
        expect(withQueryParams('https://shop.com/tart?b=2&a=x%20y&c=1,2', { utm_source: 'pinterest' })).toBe(
            'https://shop.com/tart?b=2&a=x%20y&c=1,2&utm_source=pinterest',
        );
        expect(withQueryParams('https://shop.com/tart', { utm_source: 'pinterest', utm_medium: 'social' })).toBe(
            'https://shop.com/tart?utm_source=pinterest&utm_medium=social',
        );
        expect(withQueryParams('https://shop.com/?', { a: '1' })).toBe('https://shop.com/?a=1');
    });

    it('replaces a parameter of the same name in its place and drops its repeats', () => {
        expect(withQueryParams('https://shop.com/?utm_source=fb&id=7&utm_source=ig', { utm_source: 'pinterest' })).toBe(
            'https://shop.com/?utm_source=pinterest&id=7',
        );
        // Names are compared as the server reads them: utm%5Fsource is utm_source, and a name without a value counts.
        expect(withQueryParams('https://shop.com/?utm%5Fsource=fb&flag', { utm_source: 'p', flag: 'on' })).toBe(
            'https://shop.com/?utm_source=p&flag=on',
        );
        // A malformed escape is compared as written, and kept.
        expect(withQueryParams('https://shop.com/?q=%E0%A4%A&x=1', { x: '2' })).toBe('https://shop.com/?q=%E0%A4%A&x=2');
    });

    it('keeps the fragment after the query and percent-encodes new names and values', () => {
        expect(withQueryParams('https://shop.com/tart#reviews', { ref: 'a b&c=d/é' })).toBe(
            'https://shop.com/tart?ref=a%20b%26c%3Dd%2F%C3%A9#reviews',
        );
        expect(withQueryParams('https://shop.com/?a=1#x?y', { 'my key': '' })).toBe('https://shop.com/?a=1&my%20key=#x?y');
        expect(withQueryParams('https://shop.com/?a=1', {})).toBe('https://shop.com/?a=1');
    });
});

describe('the link a pin gets', () => {
    it('linkUrl replaces the link, then the rewrite, then the parameters apply', () => {
        const spec = { linkRewrite: { find: 'old-shop', replace: 'new-shop' }, setQueryParams: { utm_source: 'pinterest' } };
        expect(wantedLink('https://old-shop.com/tart?ref=board', spec)).toEqual({
            ok: true,
            link: 'https://new-shop.com/tart?ref=board&utm_source=pinterest',
        });
        expect(wantedLink('https://old-shop.com/x', { ...spec, linkUrl: 'https://old-shop.com/y' })).toEqual({
            ok: true,
            link: 'https://new-shop.com/y?utm_source=pinterest',
        });
        // A pin without a link keeps none: there is nothing to rewrite or tag.
        expect(wantedLink(null, spec)).toEqual({ ok: true, link: null });
    });

    it('fails a pin whose edited link is no longer a valid http(s) URL of at most 2,048 characters', () => {
        const broken = wantedLink('https://shop.com/a', { linkRewrite: { find: 'https://', replace: '' } });
        expect(broken).toEqual({
            ok: false,
            problem: expect.stringMatching(/^the edited link "shop\.com\/a" breaks a rule \(linkUrl must be a full http\(s\) URL/),
        });
        const long = wantedLink('https://shop.com/a', { setQueryParams: { q: 'x'.repeat(2048) } });
        expect(long).toEqual({ ok: false, problem: expect.stringContaining('(linkUrl must be at most 2048 characters)') });
        const spaced = wantedLink('https://shop.com/a', { linkRewrite: { find: '/a', replace: '/a b' } });
        expect(spaced.ok).toBe(false);
        // A link that is already as it is passes, whatever it is: nothing would be sent.
        expect(wantedLink('not a url', { linkRewrite: { find: 'zzz', replace: 'y' } })).toEqual({ ok: true, link: 'not a url' });
    });
});

describe('what changes', () => {
    it('lists only the fields whose wanted value differs, with before and after', () => {
        expect(
            computeChanges(pin(), { pinTitle: 'Lemon tart', pinDescription: 'New words', linkUrl: 'https://old-shop.com/tart?ref=board' }),
        ).toEqual({
            pinDescription: { before: 'Sweet and sharp', after: 'New words' },
        });
        expect(computeChanges(pin(), { altText: 'A tart', boardId: '1', boardSectionId: null })).toEqual({
            altText: { before: null, after: 'A tart' },
            boardId: { before: '549755885175', after: '1' },
        });
        expect(computeChanges(pin({ boardSectionId: '9' }), { boardId: '1', boardSectionId: null })).toEqual({
            boardId: { before: '549755885175', after: '1' },
            boardSectionId: { before: '9', after: null },
        });
        expect(computeChanges(pin(), {})).toEqual({});
    });

    it('tells whether a pin already holds changes (a restarted run finding its own edit)', () => {
        const changes = computeChanges(pin(), { pinTitle: 'New' });
        expect(holdsChanges(pin(), changes)).toBe(false);
        expect(holdsChanges(pin({ pinTitle: 'New' }), changes)).toBe(true);
    });

    it('becomes a PATCH body with Pinterest names; a move leaves the section to Pinterest', () => {
        expect(
            toPinUpdate({
                pinTitle: { before: 'a', after: 'b' },
                pinDescription: { before: null, after: 'd' },
                linkUrl: { before: null, after: 'https://x.com/' },
                altText: { before: null, after: 'alt' },
            }),
        ).toEqual({ title: 'b', description: 'd', link: 'https://x.com/', alt_text: 'alt' });
        expect(toPinUpdate({ boardId: { before: '1', after: '2' }, boardSectionId: { before: '9', after: null } })).toEqual({ board_id: '2' });
        expect(toPinUpdate({ boardId: { before: '1', after: '2' }, boardSectionId: { before: '9', after: '8' } })).toEqual({
            board_id: '2',
            board_section_id: '8',
        });
        expect(toPinUpdate({ boardSectionId: { before: null, after: '8' } })).toEqual({ board_section_id: '8' });
    });

    it("merges a pin's own edits over the common ones: its own fields win, a board or section replaces the common one, parameters merge", () => {
        expect(
            mergeSpecs(
                {
                    pinTitle: 'All',
                    boardName: 'Recipes',
                    boardSectionName: 'Cakes',
                    setQueryParams: { utm_source: 'pinterest', utm_medium: 'social' },
                },
                { pinTitle: 'Mine', boardId: '7', boardSectionId: '8', setQueryParams: { utm_medium: 'pin' } },
            ),
        ).toEqual({
            pinTitle: 'Mine',
            boardId: '7',
            boardName: undefined,
            boardSectionId: '8',
            boardSectionName: undefined,
            setQueryParams: { utm_source: 'pinterest', utm_medium: 'pin' },
        });
        expect(mergeSpecs(undefined, { altText: 'x' })).toEqual({ altText: 'x' });
        expect(mergeSpecs({ altText: 'x' }, undefined)).toEqual({ altText: 'x' });
    });
});

describe('failures of pin writes', () => {
    const failure = (status: number, code: number, operation = OPERATIONS.updatePin) =>
        new PinterestError({
            kind: status === 401 && code === 3 ? 'missing-scope' : status === 403 ? 'missing-scope' : 'not-found',
            operation,
            status,
            code,
        });

    it('a 401 code 3 on the beta PATCH is the refusal of the beta, and stops the batch', () => {
        expect(isBetaRefusal(failure(401, 3))).toBe(true);
        expect(stopsTheBatch(failure(401, 3))).toBe(true);
        expect(isBetaRefusal(failure(401, 3, OPERATIONS.deletePin))).toBe(false);
    });

    it("another user's pin (403 code 29) or a missing one fails that pin only, in words about the pin", () => {
        expect(stopsTheBatch(failure(403, 29))).toBe(false);
        expect(stopsTheBatch(failure(404, 50))).toBe(false);
        expect(pinErrorOf(failure(403, 29, OPERATIONS.deletePin), '42', 'delete')).toEqual({
            message:
                "Pinterest refused to delete pin 42 (HTTP 403, code 29): it is not a pin of this token's account, and only your own pins can be changed.",
            httpStatus: 403,
            pinterestCode: 29,
            requestId: null,
        });
        expect(stopsTheBatch(new PinterestError({ kind: 'invalid-token', operation: OPERATIONS.updatePin, status: 401, code: 2 }))).toBe(true);
    });
});

describe('update-pins input', () => {
    const base = { mode: 'update-pins', accessToken: 'pina_x' };
    const problems = (input: Record<string, unknown>) => {
        try {
            parseActorInput({ ...base, ...input });
            return [];
        } catch (error) {
            return (error as { problems?: string[] }).problems ?? [String(error)];
        }
    };

    it('takes pins by id or by URL, on any Pinterest host', () => {
        const parsed = parseActorInput({
            ...base,
            pinIds: [
                '813744226420795884',
                ' https://www.pinterest.com/pin/813744226420795885/ ',
                'https://pinterest.co.uk/pin/12?utm=x',
                'https://de.pinterest.com/pin/13',
            ],
            changes: { pinTitle: 'x' },
        });
        expect(parsed.pinIds).toEqual(['813744226420795884', '813744226420795885', '12', '13']);
        expect(problems({ pinIds: ['https://example.com/pin/12/'], changes: { pinTitle: 'x' } })).toEqual([
            'pinIds[0] must be an ID (digits), not an address: a pin page address (…/pin/813744226420795884/) works too',
        ]);
    });

    it('checks every edit before any request: limits, links, unknown keys, items of pinUpdates', () => {
        expect(problems({})).toEqual(['update-pins needs something to change: changes (for every selected pin) or pinUpdates (per pin)']);
        expect(problems({ changes: { pinTitle: 'x'.repeat(101), pinTitel: 'y' } })).toEqual([
            'changes.pinTitle: pinTitle must be at most 100 characters',
            'unknown field changes.pinTitel: did you mean pinTitle?',
        ]);
        expect(problems({ changes: { linkRewrite: { find: '', replace: 'x' }, setQueryParams: { utm_source: ['a'] } } })).toEqual([
            'changes.linkRewrite.find: linkRewrite.find must not be empty',
            'changes.setQueryParams.utm_source: setQueryParams values must be text, for example {"utm_source": "pinterest"}',
        ]);
        expect(
            problems({
                pinUpdates: [
                    { pinId: '1', linkUrl: 'shop.com' },
                    { pinId: 'https://www.pinterest.com/pin/2/' },
                    { pinId: '3', boardId: '4', boardName: 'Recipes', pinTitle: 'x' },
                    { pinId: '1', pinTitle: 'again' },
                    'nope',
                ],
            }),
        ).toEqual([
            'pinUpdates[0].linkUrl: linkUrl must be a full http(s) URL, for example https://example.com/page',
            'pinUpdates[1] changes nothing: add the fields to change, such as pinTitle or linkUrl',
            'pinUpdates[2]: give boardId or boardName, not both',
            'pinUpdates[3] names pin 1 again (as pinUpdates[0]): give each pin one item',
            'pinUpdates[4] must be an object such as {"pinId": "813744226420795884", "pinTitle": "…"}',
        ]);
        expect(problems({ pinIds: ['1'], boardId: '2', changes: { pinTitle: 'x' } })).toEqual([
            'give pinIds or a board (boardId or boardName), not both',
        ]);
        expect(problems({ boardId: '2', pinUpdates: [{ pinId: '1', pinTitle: 'x' }] })).toEqual([
            'pinIds, boardId and boardName choose the pins that changes applies to: add changes, or name each pin in pinUpdates',
        ]);
        expect(problems({ changes: { setQueryParams: { utm_id: 7, utm_source: 'pinterest' } } })).toEqual([]);
    });
});
