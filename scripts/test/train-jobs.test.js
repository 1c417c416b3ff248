// `npm run train` with several recipes: the plan (jobs, threads, order, dependencies), its
// simulated wall time (the bench's retrain estimate), and a real run of two quick recipes side by
// side that saves the same weights as training them one after another in one process.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO } = require('../env/paths');
const { planJobs, scheduler, makespan } = require('../common/trainJobs');

test('planJobs: one job per core, at most 4, no more than recipes or memory allow; cores shared out', () => {
  const GiB = 2 ** 30;
  assert.deepEqual(planJobs(14, { cores: 2, memory: 24 * GiB }), { jobs: 2, threadsPerJob: 1 });
  assert.deepEqual(planJobs(14, { cores: 8, memory: 24 * GiB }), { jobs: 4, threadsPerJob: 2 });
  assert.deepEqual(planJobs(1, { cores: 8, memory: 24 * GiB }), { jobs: 1, threadsPerJob: 4 });
  assert.deepEqual(planJobs(14, { cores: 8, memory: 3 * GiB }), { jobs: 2, threadsPerJob: 4 });
  assert.deepEqual(planJobs(14, { cores: 2, memory: 1 * GiB }), { jobs: 1, threadsPerJob: 2 });
  assert.deepEqual(planJobs(14, { cores: 2, memory: 24 * GiB, jobs: 3 }), { jobs: 3, threadsPerJob: 1 }, '--jobs wins');
  assert.deepEqual(planJobs(2, { cores: 2, memory: 24 * GiB, jobs: 6 }), { jobs: 2, threadsPerJob: 1 }, 'never more jobs than recipes');
});

test('scheduler: longest chain first, unknown costs first, a recipe after the one it starts from, dependants of a failure dropped', () => {
  const cost = { a: 10, b: 50, c: 30, d: NaN, e: 5 };
  const dep = { c: 'b', e: 'c' };
  const s = scheduler(
    Object.keys(cost),
    n => dep[n],
    n => cost[n],
  );
  assert.equal(s.next(), 'd', 'never trained: may be long, goes first');
  assert.equal(s.next(), 'b');
  assert.equal(s.next(), 'a', 'c waits for b');
  assert.equal(s.next(), undefined, 'c and e wait');
  s.finished('b', true);
  assert.equal(s.next(), 'c');
  assert.deepEqual(s.finished('c', false), ['e'], 'e starts from c, which failed');
  assert.equal(s.waiting, 0);
  // A recipe with a long one after it starts before a longer one alone.
  const chained = scheduler(
    ['x', 'y', 'z'],
    n => (n === 'z' ? 'y' : undefined),
    n => ({ x: 40, y: 30, z: 20 })[n],
  );
  assert.deepEqual([chained.next(), chained.next()], ['y', 'x'], 'y + z (50) before x (40)');
  // A dependency outside the run (its saved weights are used) does not hold a recipe back.
  const t = scheduler(
    ['c'],
    n => dep[n],
    n => cost[n],
  );
  assert.equal(t.next(), 'c');
});

test('makespan: the plan on 1, 2 and 3 jobs', () => {
  const sec = { a: 10, b: 50, c: 30, e: 5 };
  const dep = { e: 'b' };
  const m = j =>
    makespan(
      Object.keys(sec),
      n => dep[n],
      n => sec[n],
      j,
    );
  assert.equal(m(1), 95);
  // b (0–50) then e (50–55); c (0–30) then a (30–40).
  assert.equal(m(2), 55);
  assert.equal(m(3), 55, 'e cannot start before b ends');
  assert.equal(
    makespan(
      [],
      () => undefined,
      () => 0,
      2,
    ),
    0,
  );
});

test('two recipes side by side save the same weights as one after another in one process', { timeout: 600000 }, () => {
  const dirs = ['serial', 'jobs'].map(k => fs.mkdtempSync(path.join(os.tmpdir(), `aelab-train-${k}-`)));
  const run = (dir, extra) =>
    spawnSync(process.execPath, [path.join(REPO, 'scripts', 'train.js'), 'logistic-3v7', 'softmax', ...extra], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, AELAB_DATA_DIR: dir },
      timeout: 600000,
    });
  const serial = run(dirs[0], ['--jobs', '1']);
  assert.equal(serial.status, 0, serial.stderr + serial.stdout);
  const jobs = run(dirs[1], ['--jobs', '2']);
  assert.equal(jobs.status, 0, jobs.stderr + jobs.stdout);
  assert.match(jobs.stdout, /train: 2 recipes, 2 at a time, each in its own process/);
  assert.match(jobs.stdout, /^softmax +│ softmax: test error [\d.]+%/m, "each line is tagged with its recipe's name");
  assert.match(jobs.stdout, /train: 2 of 2 recipes trained in [\d.]+ min/);
  for (const name of ['logistic-3v7', 'softmax']) {
    const [a, b] = dirs.map(d => JSON.parse(fs.readFileSync(path.join(d, 'models', name, 'meta.json'), 'utf8')));
    assert.match(a.checksum, /^[0-9a-f]{16,}$/, 'a real checksum');
    assert.equal(b.checksum, a.checksum, `${name}: same weights`);
    assert.equal(b.testError, a.testError);
  }
});

test('a failing recipe is reported by name, the other still trains, the exit status is 1', { timeout: 600000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-train-fail-'));
  // maxout-adv starts from maxout's saved weights; there are none in this data folder.
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'train.js'), 'maxout-adv', 'logistic-3v7', '--jobs', '2'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, AELAB_DATA_DIR: dir },
    timeout: 600000,
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /train: 1 of 2 recipes trained/);
  assert.match(r.stdout, /maxout-adv +failed \(exit 1\): .*maxout/);
  assert.match(r.stderr, /maxout-adv not trained/);
  assert.ok(fs.existsSync(path.join(dir, 'models', 'logistic-3v7', 'meta.json')));
});

test('bad options are refused with a message naming them', () => {
  const run = args => spawnSync(process.execPath, [path.join(REPO, 'scripts', 'train.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  let r = run(['softmax', '--jobs', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--jobs takes a whole number ≥ 1, got "0"/);
  r = run(['--all', 'softmax']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--all trains every recipe; drop softmax or --all/);
  r = run(['--remeasure', 'softmax', '--jobs', '2']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--remeasure runs in one process; drop --jobs/);
});
