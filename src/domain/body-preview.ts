// The events list's preview of a meeting's body (issue 20): the body's text with tags replaced by spaces, whitespace
// collapsed and trimmed, its first 255 characters. The list reads up to 16 KB of each body and shows 255 characters,
// so the preview is worked out on as much of the beginning as it takes (the first 512 characters, then 2 K, 8 K …) instead of the
// whole text: on 50 meetings with 4 KB HTML bodies the two regular expressions over whole bodies were about 2 ms of
// a request's CPU. The answer is the same as over the whole body (previewOfWhole; tests compare them).

export const PREVIEW_LENGTH = 255;
const FIRST = 512;

/** The preview computed over the whole body: the definition. */
export function previewOfWhole(body: string): string {
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, PREVIEW_LENGTH);
}

/**
 * The same as previewOfWhole(body), reading only a beginning of the body when that decides it. A beginning decides
 * it when, cut before the first `<` whose tag may close after the cut, it gives more than PREVIEW_LENGTH characters of text
 * and something other than whitespace after them (so the whole body's final trim cannot reach into the preview).
 */
export function bodyPreview(body: string): string {
  for (let n = FIRST; n < body.length; n *= 4) {
    let head = body.slice(0, n);
    // the first '<' after the last '>' starts a tag that may close after the cut (so may any later '<')
    const open = head.indexOf('<', head.lastIndexOf('>') + 1);
    if (open >= 0) head = head.slice(0, open);
    const text = head
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trimStart();
    if (text.length > PREVIEW_LENGTH && /\S/.test(text.slice(PREVIEW_LENGTH))) return text.slice(0, PREVIEW_LENGTH);
  }
  return previewOfWhole(body);
}
