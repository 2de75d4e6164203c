/**
 * Duplicate-key detection. JSON.parse silently keeps the last of two equal keys, so a checkpoint
 * could carry two entries for one tensor and different readers would pick different ones. This
 * scan runs over text that JSON.parse has already accepted, which keeps it small: any string
 * followed by ':' is a key of the innermost open object.
 */

/** A key found twice in one object; `parent` is the top-level key it sits under, if nested. */
export interface DuplicateKey {
  key: string;
  parent?: string;
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index just past the closing quote of the string literal that opens at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2; // backslash: skip the escaped character
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return text.length;
}

/** The first key that appears twice in one object of `text` (valid JSON), or null. */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: (Set<string> | null)[] = []; // one Set per open object, null per open array
  let topKey: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      stack.push(new Set());
      i++;
    } else if (c === 0x5b) {
      stack.push(null);
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x22) {
      const end = endOfString(text, i);
      let j = end;
      while (j < text.length && isJsonWhitespace(text.charCodeAt(j))) j++;
      const keys = stack[stack.length - 1];
      if (text.charCodeAt(j) === 0x3a && keys) {
        // Decode the literal so that "a" and "\u0061" count as the same key.
        const key = JSON.parse(text.slice(i, end)) as string;
        if (keys.has(key)) return stack.length === 1 ? { key } : { key, parent: topKey };
        keys.add(key);
        if (stack.length === 1) topKey = key;
      }
      i = end;
    } else {
      i++;
    }
  }
  return null;
}
