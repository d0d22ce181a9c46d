/**
 * Small edges that reached users: text that is not text, years no schedule means, answers that leave out what was
 * sent, and a clock change said in the log.
 */
import { describe, expect, it } from 'vitest';

import { createdPinFields, pinResultItem } from '../../src/output/items.js';
import { checkDraft } from '../../src/publish/draft.js';
import { pinSchema } from '../../src/pinterest/schemas.js';
import { dateTimeTextProblem } from '../../src/schedule/time-text.js';

const pin = { boardId: '549755885175', imageUrl: 'https://example.com/a.jpg' };

describe('pin text', () => {
    it('refuses a control character such as NUL in a title, description or alt text, naming the field', () => {
        for (const field of ['pinTitle', 'pinDescription', 'altText']) {
            const check = checkDraft({ ...pin, pinTitle: 'Title', [field]: 'Lemon\u0000tart' });
            expect(check.ok).toBe(false);
            expect(check.ok ? [] : check.problems).toEqual([`${field} contains a control character (such as NUL): copy the text again`]);
        }
    });

    it('keeps tabs and line breaks, which are text', () => {
        const check = checkDraft({ ...pin, pinTitle: 'Title', pinDescription: 'Line one\nline two\tand a tab' });
        expect(check.ok).toBe(true);
    });
});

describe('years in a schedule', () => {
    it('says which years it takes, never "February 0 has 28 days" nor a time past year 9999', () => {
        expect(dateTimeTextProblem('0000-02-10T09:00Z', 'UTC')).toBe(
            'publishAt "0000-02-10T09:00Z" is not a real date and time: the year must be 1970 to 9998',
        );
        expect(dateTimeTextProblem('9999-12-31T23:00-12:00', 'UTC')).toMatch(/the year must be 1970 to 9998$/);
        expect(dateTimeTextProblem('2026-12-10T09:00Z', 'UTC')).toBeUndefined();
    });
});

describe('a created pin whose answer leaves out what was sent', () => {
    it('keeps in its row what was sent: the spec requires only the id', () => {
        const sent = pinResultItem({
            status: 'created',
            position: 1,
            source: 'input',
            boardId: '549755885175',
            title: 'Lemon tart',
            description: 'Sweet and sharp',
            link: 'https://example.com/tart',
            altText: 'A tart on a plate',
            imageUrl: 'https://example.com/tart.jpg',
            mediaType: 'image',
        });
        const fields = createdPinFields(pinSchema.parse({ id: '813744226420795884' }), { ...sent, boardId: '549755885175' });
        expect(fields).toMatchObject({
            id: '813744226420795884',
            title: 'Lemon tart',
            description: 'Sweet and sharp',
            link: 'https://example.com/tart',
            altText: 'A tart on a plate',
            imageUrl: 'https://example.com/tart.jpg',
            mediaType: 'image',
        });
    });
});
