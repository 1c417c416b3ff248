/**
 * Math for the offline HTML export (scripts/html/export.js): finds the LaTeX in notebook markdown the way
 * Jupyter does ($…$, $$…$$, \\(…\\), \\[…\\], \begin{env}…\end{env}; not inside code), swaps each
 * piece for a placeholder that markdown leaves alone, and renders it with KaTeX (from npm) so the
 * page needs neither MathJax nor a network. Also builds KaTeX's CSS with its fonts inlined.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const katex = require('katex');

const PLACEHOLDER = /AELABMATH(\d+)Z/g;
// Jupyter's MATHSPLIT (notebook/static/notebook/js/mathjaxutils.js), minus its @@n@@ markers.
const MATHSPLIT = /(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|\\\\(?:\(|\)|\[|\]))/i;

/**
 * Replaces the math in markdown `text` by placeholders `AELABMATH<n>Z` (n counts on from
 * `store.length`) and pushes `{tex, display, source}` onto `store`. Returns the new text.
 */
function extractMath(text, store) {
  const out = [];
  // Fenced code blocks are copied untouched.
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let fence = null,
    prose = [];
  const flush = () => {
    if (prose.length) out.push(extractFromProse(prose.join('\n'), store));
    prose = [];
  };
  for (const line of lines) {
    if (fence) {
      out.push(line);
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) fence = null;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (open) {
      flush();
      fence = open[1];
      out.push(line);
    } else prose.push(line);
  }
  flush();
  // out interleaves whole-line pieces; rejoin with newlines.
  return out.join('\n');
}

function extractFromProse(text, store) {
  // Code spans (`…`, ``…``) keep their dollars: hide them first, as Jupyter does.
  const spans = [];
  text = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, m => `AELABCODE${spans.push(m) - 1}Z`);
  const blocks = text.split(MATHSPLIT);
  let start = null,
    end = null,
    last = null,
    braces = 0;
  const take = (i, j) => {
    const source = blocks.slice(i, j + 1).join('');
    const opener = blocks[i];
    let tex = source,
      display = true;
    if (opener === '$$') tex = source.slice(2, -2);
    else if (opener === '$') {
      tex = source.slice(1, -1);
      display = false;
    } else if (opener === '\\\\(') {
      tex = source.slice(3, -3);
      display = false;
    } else if (opener === '\\\\[') tex = source.slice(3, -3);
    tex = tex.replace(/AELABCODE(\d+)Z/g, (_, k) => spans[+k]);
    blocks[i] = `AELABMATH${store.push({ tex, display, source: source.replace(/AELABCODE(\d+)Z/g, (_, k) => spans[+k]) }) - 1}Z`;
    for (let k = i + 1; k <= j; k++) blocks[k] = '';
  };
  for (let i = 1; i < blocks.length; i += 2) {
    const block = blocks[i];
    if (start !== null) {
      if (block === end) {
        if (braces) last = i;
        else {
          take(start, i);
          start = end = last = null;
        }
      } else if (/\n.*\n/.test(block)) {
        // a blank line ends a paragraph, and unclosed math
        if (last) take(start, last);
        start = end = last = null;
        braces = 0;
      } else if (block === '{') braces++;
      else if (block === '}' && braces) braces--;
    } else if (block === '$' || block === '$$') {
      start = i;
      end = block;
      braces = 0;
    } else if (block === '\\\\(' || block === '\\\\[') {
      start = i;
      end = block.endsWith('(') ? '\\\\)' : '\\\\]';
      braces = 0;
    } else if (block.slice(1, 6) === 'begin') {
      start = i;
      end = '\\end' + block.slice(6);
      braces = 0;
    }
  }
  if (last) take(start, last);
  return blocks.join('').replace(/AELABCODE(\d+)Z/g, (_, k) => spans[+k]);
}

/**
 * KaTeX HTML (with hidden MathML for screen readers) for one piece of math. A LaTeX error is
 * reported through `onError` and rendered in red in place, so the page still shows the source.
 */
/** @param {{ tex: string, display: boolean }} math @param {(message: string) => void} [onError] */
function renderMath({ tex, display }, onError = () => {}) {
  /** @type {import('katex').KatexOptions} */
  const opts = { displayMode: display, output: 'htmlAndMathml', strict: 'ignore', trust: false };
  try {
    return katex.renderToString(tex, { ...opts, throwOnError: true });
  } catch (e) {
    onError(e.message || String(e));
    return katex.renderToString(tex, { ...opts, throwOnError: false });
  }
}

/**
 * Puts the rendered math into `html`. Inside tags (heading ids, anchor hrefs) a placeholder
 * becomes a plain-text slug, elsewhere the KaTeX HTML.
 */
function insertMath(html, store, onError) {
  const rendered = store.map(m => renderMath(m, err => onError && onError(m, err)));
  const slug = i =>
    store[i].tex
      .replace(/\\[a-zA-Z]+/g, s => s.slice(1))
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  html = html.replace(/<[^>]*AELABMATH\d+Z[^>]*>/g, tag => tag.replace(PLACEHOLDER, (_, i) => slug(+i)));
  return html.replace(PLACEHOLDER, (m, i) => rendered[+i] ?? m);
}

/** Plain text of markdown `text` with math delimiters kept as written (for titles). */
function plainTitle(text) {
  return text
    .replace(/[*_`]/g, '')
    .replace(/\\([\\$])/g, '$1')
    .trim();
}

let cssCache = null;
/** KaTeX's stylesheet with every font inlined as a woff2 data URL (no font requests). */
function katexCss() {
  if (cssCache) return cssCache;
  const dist = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
  const css = fs.readFileSync(path.join(dist, 'katex.min.css'), 'utf8');
  cssCache = css.replace(/src:([^;}]*)/g, (whole, list) => {
    const m = /url\((fonts\/[^)]+\.woff2)\)/.exec(list);
    if (!m) throw new Error(`katex.min.css: a @font-face has no woff2 font (${list.slice(0, 80)}); cannot inline it.`);
    const b64 = fs.readFileSync(path.join(dist, m[1])).toString('base64');
    return `src:url(data:font/woff2;base64,${b64}) format("woff2")`;
  });
  if (/url\((?!data:)/.test(cssCache)) throw new Error('katex.min.css still refers to a file after inlining the fonts.');
  return cssCache;
}

module.exports = { extractMath, renderMath, insertMath, katexCss, plainTitle, PLACEHOLDER };
