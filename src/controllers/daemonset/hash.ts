// The template hash daemon pods carry in their controller-revision-hash label (controller.ComputeHash
// + rand.SafeEncodeString): FNV-32a of the template, plus the collision count when there is one,
// spelled in the vowel-free alphabet Kubernetes uses so a hash never reads as a word. kite serves
// no ControllerRevisions, so the hash of the template itself stands in for the revision's.
// (Hand-written: FNV-32a is a few lines and no installed library offers it.)

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so equal templates always hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet. */
export const safeEncode = (text: string): string => [...text].map((ch) => SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length]).join('');

export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let text = canonicalJson(template ?? {});
  if (collisionCount !== undefined && collisionCount !== null) text += String(collisionCount);
  return safeEncode(String(fnv32a(text)));
}
