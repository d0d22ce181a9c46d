/**
 * `work` for every item, at most `limit` at a time, the results in the items' order. Started in order, so that
 * whatever `work` does first (a request, a budget reservation) happens in the items' order too. The first failure
 * stops new items from starting and is thrown once the ones under way have ended.
 */
export async function mapInPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
        while (next < items.length && !failure) {
            const index = next;
            next += 1;
            try {
                results[index] = await work(items[index]!, index);
            } catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failure) throw failure.error;
    return results;
}
