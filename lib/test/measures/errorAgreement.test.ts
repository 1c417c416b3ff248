// Agreement on the wrong class (notebook 06), on hand-counted examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameWrongClass, predictsSameMistake } from '../../src/internals';

const labels = [0, 0, 0, 0, 1, 1];
const a = [1, 2, 0, 3, 0, 2]; // wrong on 0, 1, 3, 4, 5
const b = [1, 1, 2, 3, 1, 2]; // wrong on 0, 1, 2, 3, 5

test('sameWrongClass counts only examples both models get wrong', () => {
  // both wrong: 0 (1 = 1), 1 (2 ≠ 1), 3 (3 = 3), 5 (2 = 2) → 3 / 4
  assert.equal(sameWrongClass(labels, a, b), 3 / 4);
  assert.ok(Number.isNaN(sameWrongClass([0], [0], [1])));
});

test("predictsSameMistake: among a's mistakes, how often b predicts a's class", () => {
  // a wrong: 0 (b 1 = 1), 1 (b 1 ≠ 2), 3 (3 = 3), 4 (b 1 ≠ 0), 5 (2 = 2) → 3 / 5
  assert.equal(predictsSameMistake(labels, a, b), 3 / 5);
  assert.throws(() => predictsSameMistake(labels, a, [1]), /same examples/);
});
