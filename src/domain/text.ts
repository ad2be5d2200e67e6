// Text that can be stored (PostgreSQL text and jsonb refuse NUL) and sent as UTF-8 (no unpaired UTF-16 surrogate).

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string can be stored and sent as UTF-8 text: no NUL, no unpaired surrogate. */
export const isWellFormedText = (s: string): boolean => !s.includes('\u0000') && !UNPAIRED_SURROGATE.test(s);
