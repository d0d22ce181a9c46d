/** Counts as people read them: "1,250". */
export const formatCount = (count: number) => count.toLocaleString('en-US');

/** "1 pin", "1,250 pins"; `many` for nouns whose plural is not noun + s. */
export const plural = (count: number, noun: string, many = `${noun}s`) => `${formatCount(count)} ${count === 1 ? noun : many}`;

/** "Updated 3 pins, 1 failed.": a phrase for each status counted, in the order given, as one sentence. */
export function countsSentence(counts: Record<string, number>, phrases: ReadonlyArray<readonly [string, (count: number) => string]>): string {
    const parts = phrases.filter(([status]) => counts[status]).map(([status, phrase]) => phrase(counts[status]!));
    const text = parts.length > 0 ? parts.join(', ') : 'nothing to do';
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
