#!/usr/bin/env node
/**
 * The API reference of `aelab`: every public name of lib/src/index.ts, in its groups, with the
 * one-line summary of its doc comment and the notebook that introduces it (`@see`). Written to
 * site/api.html (`npm run api`; `npm run html` writes it too). `apiEntries()` is also what the
 * test checks: every public function, class and constant has a summary.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { REPO } = require('../env/paths');
const { escapeHtml } = require('../common/text');

const SRC = path.join(REPO, 'lib', 'src');

/** The groups of index.ts: a `// heading` comment, then `export { names } from './folder'`. */
function publicGroups() {
  const text = fs.readFileSync(path.join(SRC, 'index.ts'), 'utf8');
  const groups = [];
  for (const m of text.matchAll(/\/\/ ([^\n]+)\nexport \{([^}]*)\} from '\.\/([\w/]+)';/g)) {
    groups.push({
      heading: m[1],
      from: m[3],
      names: m[2]
        .split(',')
        .map(s => s.trim())
        .filter(Boolean),
    });
  }
  return groups;
}

/** `{file, summary, see, kind}` of each exported declaration in the .ts files under `dir`. */
function declarations(dir) {
  const out = new Map();
  const files = fs.statSync(dir).isDirectory()
    ? fs
        .readdirSync(dir)
        .filter(f => f.endsWith('.ts') && f !== 'index.ts')
        .map(f => path.join(dir, f))
    : [dir];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const re =
      /(\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*)?export (?:declare )?(?:async )?(function|const|class|interface|type|let|abstract class) (\w+)/g;
    for (const m of text.matchAll(re)) {
      const doc = (m[2] || '')
        .split('\n')
        .map(l => l.replace(/^\s*\*\s?/, ''))
        .join('\n')
        .trim();
      const summary = doc
        .split(/\n\s*\n|\n@/)[0]
        .replace(/\s+/g, ' ')
        .trim();
      const see = (/@see\s+(\S+)/.exec(doc) || [])[1] || null;
      out.set(m[4], { file: path.relative(REPO, file), kind: m[3], summary, see });
    }
    // `export { a, b }` re-exports keep the original declaration's doc (found in its own file).
  }
  return out;
}

/** Every public name with where it is declared and its summary, grouped as in index.ts. */
function apiEntries() {
  const all = new Map();
  for (const e of fs.readdirSync(SRC, { withFileTypes: true })) {
    const d = e.isDirectory()
      ? declarations(path.join(SRC, e.name))
      : e.name.endsWith('.ts')
        ? declarations(path.join(SRC, e.name))
        : new Map();
    for (const [k, v] of d) if (!all.has(k)) all.set(k, v);
  }
  return publicGroups().map(g => ({
    ...g,
    entries: g.names.map(name => ({ name, ...(all.get(name) || { file: null, kind: null, summary: '', see: null }) })),
  }));
}

function apiHtml(groups, version) {
  const rows = groups
    .map(
      g =>
        `<h2>${escapeHtml(g.heading)}</h2>\n<table>\n` +
        g.entries
          .map(
            e =>
              `<tr><td><code>ae.${escapeHtml(e.name)}</code></td><td class="k">${escapeHtml(e.kind || '')}</td><td>${escapeHtml(e.summary)}` +
              `${e.see ? ` <span class="see">— ${escapeHtml(e.see.replace(/^notebooks\//, ''))}</span>` : ''}</td><td class="f">${escapeHtml(e.file || '')}</td></tr>`,
          )
          .join('\n') +
        '\n</table>',
    )
    .join('\n');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>aelab ${escapeHtml(version)} — API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:1200px;margin:24px auto;padding:0 16px}td{vertical-align:top;padding:2px 8px;border-bottom:1px solid #eee}
code{font-size:13px}.k,.f{color:#666;font-size:12px;white-space:nowrap}.see{color:#555}h2{margin-top:28px}</style></head><body>
<h1>aelab ${escapeHtml(version)}: the library's public API</h1>
<p>Every name a notebook calls as <code>ae.&lt;name&gt;</code>, grouped by the folder of <code>lib/src/</code> that defines it
(the curated list is <code>lib/src/index.ts</code>). Everything else is reachable as <code>ae.internals.&lt;name&gt;</code>.</p>
${rows}
</body></html>
`;
}

/** Writes `<out>/api.html`; returns its path. */
function writeApiPage(outDir = path.join(REPO, 'site')) {
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'lib', 'package.json'), 'utf8')).version;
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'api.html');
  fs.writeFileSync(file, apiHtml(apiEntries(), version));
  return file;
}

module.exports = { apiEntries, apiHtml, writeApiPage };

if (require.main === module) {
  const { parse, resolvePath, UsageError } = require('../common/args');
  let o;
  try {
    o = parse(process.argv.slice(2), { out: { type: 'string' } }, { positionals: false });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`api: ${e.message}\nusage: npm run api [-- --out DIR]`);
      process.exit(2);
    }
    throw e;
  }
  const file = writeApiPage(o.values.out ? resolvePath(o.values.out) : undefined);
  console.log(`api: wrote ${path.relative(process.cwd(), file) || file}`);
}
