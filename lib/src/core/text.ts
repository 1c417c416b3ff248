/**
 * Text escaping for HTML and CSV — the one copy the library and the scripts share (scripts load
 * this compiled file directly, without TensorFlow.js: `require('aelab/dist/src/core/text')`).
 */

/** `s` safe inside HTML text and attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One CSV field: quoted when it holds a comma, quote, line break or edge space (RFC 4180). */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isNaN(v) ? 'NaN' : String(v)) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
