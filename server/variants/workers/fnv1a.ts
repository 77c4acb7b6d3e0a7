// The 32-bit FNV-1a hash of a string's UTF-16 code units: one definition for every table the
// workers' threads share (room owners, shared counts, shared seqs), so they agree on a key.
export function fnv1a(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
