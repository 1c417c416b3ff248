// Exercise checks: a pass prints one ✓ line, a failure says expected / got / hint; stubs fall back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectClose, expectAllClose, expectThat, notImplemented, isNotImplemented, studentOrLibrary } from '../../src/internals';

function captureLog<T>(f: () => T): { value: T; lines: string[] } {
  const lines: string[] = [],
    orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.map(String).join(' '));
  };
  try {
    return { value: f(), lines };
  } finally {
    console.log = orig;
  }
}

test('expectClose: absolute and relative tolerance; the failure message shows expected, got and hint', () => {
  assert.deepEqual(captureLog(() => expectClose('1.1', 'ε‖w‖₁', 2.0000001, 2)).lines, ['✓ Exercise 1.1: ε‖w‖₁']);
  captureLog(() => expectClose('1.1', 'rel', 1010, 1000, { rtol: 0.02 }));
  assert.throws(
    () => expectClose('1.1', 'ε‖w‖₁', 2.1, 2, { tol: 0.01, hint: 'sum |w|, not w' }),
    (e: Error) => {
      assert.equal(e.name, 'ExerciseCheckError');
      assert.equal(e.message, '✗ Exercise 1.1: ε‖w‖₁\n    expected: 2 (± 0.0100000)\n    got:      2.10000\n    hint:     sum |w|, not w');
      return true;
    },
  );
  for (const bad of [NaN, '2', undefined, Infinity]) assert.throws(() => expectClose('1.1', 'x', bad, 2), /✗ Exercise 1\.1: x/);
});

test('expectAllClose: length and first mismatch are reported', () => {
  captureLog(() => expectAllClose('2.1', 'grad', Float32Array.from([1, 2, 3]), [1, 2, 3.000001]));
  assert.throws(() => expectAllClose('2.1', 'grad', [1, 2], [1, 2, 3]), /expected: 3 values\n    got:      2 values/);
  assert.throws(
    () => expectAllClose('2.1', 'grad', [1, 5, 3], [1, 2, 3]),
    /grad \(first mismatch at index 1\)\n    expected: 2\n    got:      5/,
  );
  assert.throws(() => expectAllClose('2.1', 'grad', null, [1]), /expected: an array of 1 numbers/);
  assert.throws(() => expectAllClose('2.1', 'grad', [NaN], [1]), /first mismatch at index 0/);
});

test('expectThat and the stub fallback', () => {
  captureLog(() => expectThat('3.1', 'monotone', true, 'non-decreasing', [1, 2]));
  assert.throws(
    () => expectThat('3.1', 'monotone', false, 'non-decreasing', [2, 1], 'sort?'),
    /expected: non-decreasing\n    got:      \[2,1\]\n    hint:     sort\?/,
  );
  assert.throws(() => notImplemented('4.2'), /^Error: not implemented yet: exercise 4\.2$/);
  let err: unknown;
  try {
    notImplemented('4.2');
  } catch (e) {
    err = e;
  }
  assert.ok(isNotImplemented(err));
  assert.ok(!isNotImplemented(new Error('other')));
  const r = captureLog(() =>
    studentOrLibrary(
      '4.2',
      () => notImplemented('4.2'),
      () => 7,
    ),
  );
  assert.equal(r.value, 7);
  assert.match(r.lines[0], /Exercise 4\.2 is not done yet: using the library's version/);
  assert.equal(
    captureLog(() =>
      studentOrLibrary(
        '4.2',
        () => 3,
        () => 7,
      ),
    ).value,
    3,
    "a finished exercise's answer is used",
  );
  assert.throws(
    () =>
      studentOrLibrary(
        '4.2',
        () => {
          throw new TypeError('student bug');
        },
        () => 7,
      ),
    /student bug/,
    'real errors are not hidden',
  );
});
