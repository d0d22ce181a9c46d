/** Counts as people read them: "1,250". */
export const formatCount = (count: number) => count.toLocaleString('en-US');

/** "1 pin", "1,250 pins"; `many` for nouns whose plural is not noun + s. */
export const plural = (count: number, noun: string, many = `${noun}s`) => `${formatCount(count)} ${count === 1 ? noun : many}`;
