#!/usr/bin/env node
/**
 * The output policy for committed notebooks, and its check (`npm run check-notebooks [-- paths]`).
 *
 * A committed notebook has no outputs and no execution counts; its metadata is only the project
 * kernelspec and `language_info: {name: "typescript"}`; cell metadata is only `nbgrader`, `tags`,
 * `editable` and `deletable`; it is nbformat 4; and it is stored exactly as Jupyter writes JSON
 * (1-space indent, sorted keys, sources split into lines, trailing newline), so diffs show only
 * what a person changed. `npm run clean-notebooks` rewrites notebooks into this form.
 *
 * Exits 1 naming each notebook and problem when any notebook breaks the policy.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { REPO, KERNEL_NAME, KERNEL_DISPLAY_NAME } = require('../env/paths');
const { parse, resolvePath } = require('../common/args');

const KERNELSPEC = { display_name: KERNEL_DISPLAY_NAME, language: 'typescript', name: KERNEL_NAME };
const LANGUAGE_INFO = { name: 'typescript' };
const NOTEBOOK_METADATA = ['kernelspec', 'language_info'];
const CELL_METADATA = ['nbgrader', 'tags', 'editable', 'deletable'];
const CELL_TYPES = ['code', 'markdown', 'raw'];
/** Folders never searched: generated, installed or tool state (all git-ignored). */
const SKIP_DIRS = new Set(['node_modules', 'out', 'site', 'release', 'dist']);

/** Everything in notebook `nb` (parsed JSON) that breaks the policy, as readable sentences. */
function notebookProblems(nb) {
  if (!nb || typeof nb !== 'object' || Array.isArray(nb)) return ['is not a notebook (the JSON is not an object)'];
  if (nb.nbformat !== 4) {
    return [`is nbformat ${JSON.stringify(nb.nbformat)}, expected 4 (convert it: jupyter nbconvert --to notebook --nbformat 4 FILE)`];
  }
  const problems = [];
  const meta = nb.metadata || {};
  for (const k of Object.keys(meta)) {
    if (!NOTEBOOK_METADATA.includes(k)) problems.push(`notebook metadata has "${k}"; only ${NOTEBOOK_METADATA.join(' and ')} are kept`);
  }
  const ks = meta.kernelspec;
  if (!ks) problems.push(`has no kernelspec; expected ${JSON.stringify(KERNELSPEC)}`);
  else if (ks.name !== KERNEL_NAME) problems.push(`kernelspec name is ${JSON.stringify(ks.name)}, expected "${KERNEL_NAME}"`);
  else if (!sameJson(ks, KERNELSPEC)) problems.push(`kernelspec is ${JSON.stringify(ks)}, expected ${JSON.stringify(KERNELSPEC)}`);
  if (meta.language_info && !sameJson(meta.language_info, LANGUAGE_INFO)) {
    problems.push(`language_info has ${JSON.stringify(meta.language_info)}, expected only ${JSON.stringify(LANGUAGE_INFO)}`);
  }
  if (!Array.isArray(nb.cells)) return [...problems, 'has no "cells" list'];
  nb.cells.forEach((cell, i) => {
    const where = `cell ${i + 1} (${cell && cell.cell_type})`;
    if (!cell || !CELL_TYPES.includes(cell.cell_type)) { problems.push(`${where} is not a code, markdown or raw cell`); return; }
    if (nb.nbformat_minor >= 5 && typeof cell.id !== 'string') problems.push(`${where} has no "id" (required by nbformat 4.5)`);
    else if (typeof cell.id === 'string' && !/^[a-zA-Z0-9_-]{1,64}$/.test(cell.id)) problems.push(`${where} has id "${cell.id}": nbformat 4.5 allows only letters, digits, - and _ (1–64 characters), and nbconvert refuses the notebook`);
    for (const k of Object.keys(cell.metadata || {})) {
      if (!CELL_METADATA.includes(k)) problems.push(`${where} metadata has "${k}"; only ${CELL_METADATA.join(', ')} are allowed`);
    }
    if (cell.cell_type === 'code') {
      if (Array.isArray(cell.outputs) && cell.outputs.length) problems.push(`${where} has ${cell.outputs.length} output(s)`);
      if (cell.execution_count !== null) problems.push(`${where} has execution_count ${JSON.stringify(cell.execution_count)}, expected null`);
    }
  });
  return problems;
}

/** A copy of `nb` that follows the policy: outputs, counts and volatile metadata removed. */
function normalizeNotebook(nb) {
  if (!nb || nb.nbformat !== 4) throw new Error(`normalizeNotebook: nbformat ${nb && nb.nbformat}, expected 4.`);
  const cells = (nb.cells || []).map(cell => {
    const out = { ...cell, metadata: {} };
    for (const k of CELL_METADATA) if (cell.metadata && k in cell.metadata) out.metadata[k] = cell.metadata[k];
    if (cell.cell_type === 'code') { out.outputs = []; out.execution_count = null; }
    if (nb.nbformat_minor >= 5 && typeof out.id !== 'string') out.id = require('crypto').randomBytes(4).toString('hex');
    return out;
  });
  return { cells, metadata: { kernelspec: { ...KERNELSPEC }, language_info: { ...LANGUAGE_INFO } }, nbformat: 4, nbformat_minor: nb.nbformat_minor ?? 4 };
}

/**
 * `nb` as the text Jupyter (nbformat.writes) would store: keys sorted, 1-space indent,
 * multi-line strings split into lists of lines, trailing newline.
 */
function serializeNotebook(nb) {
  const copy = JSON.parse(JSON.stringify(nb));
  for (const cell of copy.cells || []) {
    if (typeof cell.source === 'string') cell.source = splitLines(cell.source);
    for (const o of cell.outputs || []) {
      if (o.output_type === 'stream' && typeof o.text === 'string') o.text = splitLines(o.text);
      if (o.data) splitMimeBundle(o.data);
    }
    for (const a of Object.values(cell.attachments || {})) splitMimeBundle(a);
  }
  return JSON.stringify(sortKeys(copy), null, 1) + '\n';
}

/** nbformat splits text/* and these two mime types into lines; other data stays one string. */
function splitMimeBundle(bundle) {
  for (const [k, v] of Object.entries(bundle)) {
    if (typeof v === 'string' && (k.startsWith('text/') || k === 'application/javascript' || k === 'image/svg+xml')) bundle[k] = splitLines(v);
  }
}

/** Python's str.splitlines(True): lines keep their endings; these are all line boundaries. */
function splitLines(s) {
  return s.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])|[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+$/g) || [];
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function sameJson(a, b) { return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)); }

/** The problems of notebook text (as read from a file): JSON, policy, and stored form. */
function textProblems(text) {
  let nb;
  try { nb = JSON.parse(text); } catch (e) { return [`is not valid JSON (${e.message})`]; }
  const problems = notebookProblems(nb);
  if (problems.length === 0 && text !== serializeNotebook(nb)) {
    problems.push('is not stored in the normalized JSON form (1-space indent, sorted keys, source split into lines, trailing newline)');
  }
  return problems;
}

/** The .ipynb files under `roots` (files or folders), skipping generated and hidden folders. */
function findNotebooks(roots = [REPO]) {
  const found = [];
  const walk = p => {
    const st = fs.statSync(p);
    if (st.isFile()) { if (p.endsWith('.ipynb')) found.push(p); return; }
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      if (e.isDirectory() && (e.name.startsWith('.') || SKIP_DIRS.has(e.name))) continue;
      if (e.isDirectory() || e.name.endsWith('.ipynb')) walk(path.join(p, e.name));
    }
  };
  for (const r of roots) {
    if (!fs.existsSync(r)) throw new Error(`${r}: no such file or folder; give notebook files or folders that contain them.`);
    walk(path.resolve(r));
  }
  return [...new Set(found)].sort();
}

/** Resolves CLI paths against the folder the user typed the command in (npm run changes it). */
function cliPaths(argv) {
  const { positionals } = parse(argv, {});
  return positionals.length ? positionals.map(resolvePath) : [REPO];
}

module.exports = {
  KERNELSPEC, LANGUAGE_INFO, CELL_METADATA, NOTEBOOK_METADATA,
  notebookProblems, normalizeNotebook, serializeNotebook, textProblems, findNotebooks, cliPaths, splitLines,
};

if (require.main === module) {
  let files;
  try { files = findNotebooks(cliPaths(process.argv.slice(2))); } catch (e) { console.error(`check-notebooks: ${e.message}`); process.exit(2); }
  let bad = 0;
  for (const f of files) {
    const problems = textProblems(fs.readFileSync(f, 'utf8'));
    if (problems.length) bad++;
    for (const p of problems) console.log(`check-notebooks: ${path.relative(REPO, f)} ${p}`);
  }
  // The prose check: no hand-typed measured number in the lecture notebooks' Markdown.
  const { proseReport, isLectureNotebook } = require('./prose');
  let proseBad = 0, skipped = [];
  for (const f of files.filter(isLectureNotebook)) {
    let nb;
    try { nb = JSON.parse(fs.readFileSync(f, 'utf8')); } catch { continue; }   // reported above
    const r = proseReport(nb, path.relative(REPO, f));
    proseBad += r.count;
    skipped.push(...r.skipped);
    for (const l of r.lines) console.log(`check-notebooks: prose: ${l}`);
  }
  if (skipped.length) console.log(`check-notebooks: prose: ${skipped.length} exercise cell(s) not checked yet (issue #15): ${skipped.join(', ')}`);
  if (bad) {
    console.log(`check-notebooks: ${bad} of ${files.length} notebook(s) break the output policy. ` +
      'Fix: `npm run clean-notebooks` (strips outputs and volatile metadata), then commit the result.');
  }
  if (proseBad) {
    console.log(`check-notebooks: prose: ${proseBad} hand-typed measured number(s) in Markdown. Fix: print the number from ` +
      'the value (ae.showMarkdown), quote the paper, state a bound the code asserts, or declare exact arithmetic (<!-- derived: 13 = 0.05*255 -->).');
  }
  if (bad || proseBad) process.exit(1);
  console.log(`check-notebooks: ${files.length} notebook(s) follow the output policy; their prose has no hand-typed measured number.`);
}
