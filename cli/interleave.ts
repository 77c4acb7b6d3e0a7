/** Rounds of runs in which round r starts with the r-th item, so a machine that drifts (heat,
 * caches, a neighbour's load) does not always favour the same one. With two items this is ABBA. */
export function interleave<T>(items: readonly T[], rounds: number): { item: T; round: number }[] {
  const order: { item: T; round: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < items.length; k++) order.push({ item: items[(round + k) % items.length]!, round });
  }
  return order;
}
