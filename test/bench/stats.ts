/** Figures the benchmarks report: the median of several runs, rounded. */
export const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

export const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The median of one figure over runs, to a tenth, leaving out runs that have none; null when none has it. */
export function medianOf<Run>(runs: Run[], pick: (run: Run) => number | null): number | null {
    const values = runs.map(pick).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
    return values.length ? round(median(values), 1) : null;
}
