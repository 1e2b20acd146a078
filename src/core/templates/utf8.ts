/**
 * Strict UTF-8 decoding for the files a user hands us (templates, eskeys.config.json). Node's
 * `readFile(p, 'utf8')` turns invalid bytes into U+FFFD without a word, so a file saved in
 * Latin-1 would validate with mangled index names or descriptions. Here the first invalid
 * byte is reported with its offset, so the user can find it (`xxd -s OFFSET file`).
 */

/** The text of `bytes`, or the 0-based offset of the first byte that is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalidAt: number } {
  const invalidAt = firstInvalidUtf8Offset(bytes);
  if (invalidAt !== undefined) return { invalidAt };
  return { text: new TextDecoder('utf-8').decode(bytes) };
}

/**
 * Offset of the first byte that starts an ill-formed sequence (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or undefined when all of `bytes` is valid UTF-8.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      // E0 needs A0.. (no overlong); ED stops at 9F (no surrogates).
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      // F0 needs 90.. (no overlong); F4 stops at 8F (nothing above U+10FFFF).
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    if (i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < min || second > max) return i;
    for (let k = 2; k < length; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return undefined;
}
