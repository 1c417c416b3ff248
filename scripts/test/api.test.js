// The generated API reference (scripts/html/api.js): every public name of lib/src/index.ts is found
// where it is declared and has a one-line summary, and the page lists them all.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const fs = require('fs');
const path = require('path');
const { apiEntries, writeApiPage } = require('../html/api');

test('every public name is declared in lib/src and every function, class and constant has a summary', () => {
  const groups = apiEntries();
  assert.ok(groups.length >= 10, `index.ts has its groups (${groups.length})`);
  const entries = groups.flatMap(g => g.entries);
  assert.deepEqual(
    entries.filter(e => !e.file).map(e => e.name),
    [],
    'names index.ts exports but no file declares',
  );
  assert.deepEqual(
    entries.filter(e => !e.summary && !['interface', 'type'].includes(e.kind)).map(e => `${e.name} (${e.file})`),
    [],
    'public values without a doc comment: add a one-line summary',
  );
});

test('the API page lists every public name once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-api-'));
  try {
    const html = fs.readFileSync(writeApiPage(dir), 'utf8');
    for (const e of apiEntries().flatMap(g => g.entries)) assert.ok(html.includes(`<code>ae.${e.name}</code>`), `ae.${e.name} on the page`);
    assert.match(html, /<h1>aelab \d+\.\d+\.\d+: the library's public API<\/h1>/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
