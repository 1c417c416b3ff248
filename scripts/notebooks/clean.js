#!/usr/bin/env node
/**
 * `npm run clean-notebooks [-- paths]`: rewrites notebooks into the committed form defined in
 * scripts/notebooks/check.js — no outputs or execution counts, only the allowed metadata, stored
 * as Jupyter writes JSON. Run it before committing a notebook you executed in Jupyter.
 * Files already in that form are left untouched.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { REPO } = require('../env/paths');
const { notebookProblems, normalizeNotebook, serializeNotebook, findNotebooks, cliPaths } = require('./check');

let files;
try { files = findNotebooks(cliPaths(process.argv.slice(2))); } catch (e) { console.error(`clean-notebooks: ${e.message}`); process.exit(2); }
let failed = 0, cleaned = 0;
for (const f of files) {
  const rel = path.relative(REPO, f);
  const text = fs.readFileSync(f, 'utf8');
  let nb;
  try { nb = JSON.parse(text); } catch (e) { console.log(`clean-notebooks: ${rel} is not valid JSON (${e.message}); fix it by hand.`); failed++; continue; }
  if (nb.nbformat !== 4) { console.log(`clean-notebooks: ${rel}: ${notebookProblems(nb)[0]}`); failed++; continue; }
  const out = serializeNotebook(normalizeNotebook(nb));
  if (out === text) continue;
  const what = notebookProblems(nb);
  fs.writeFileSync(f, out);
  cleaned++;
  console.log(`clean-notebooks: cleaned ${rel}${what.length ? `: ${what.length} fix(es), e.g. ${what[0]}` : ' (JSON layout only)'}`);
}
console.log(`clean-notebooks: ${cleaned} cleaned, ${files.length - cleaned - failed} already clean${failed ? `, ${failed} could not be cleaned` : ''}.`);
process.exitCode = failed ? 1 : 0;
