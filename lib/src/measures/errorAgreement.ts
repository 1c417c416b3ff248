/**
 * Do two models make the *same* mistake? (§8: "when these different models misclassify an
 * adversarial example, they often agree with each other on its class".) Two ways to count,
 * both from the paper: among examples both models get wrong, how often they pick the same wrong
 * class; and among examples model A gets wrong, how often B predicts A's class.
 * @see notebooks/06-why-adversarial-examples-generalize.ipynb
 */

function checkLengths(labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, who: string): void {
  if (a.length !== labels.length || b.length !== labels.length) {
    throw new Error(`${who}: ${labels.length} labels, ${a.length} and ${b.length} predictions; all three must be for the same examples.`);
  }
}

/** Among examples that both `a` and `b` misclassify, the fraction where a and b predict the same class (NaN if none). */
export function sameWrongClass(labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLengths(labels, a, b, 'sameWrongClass');
  let both = 0,
    same = 0;
  for (let i = 0; i < labels.length; i++) {
    if (a[i] !== labels[i] && b[i] !== labels[i]) {
      both++;
      if (a[i] === b[i]) same++;
    }
  }
  return both ? same / both : NaN;
}

/** Among examples that `a` misclassifies, the fraction where `b` predicts a's (wrong) class (NaN if none). */
export function predictsSameMistake(labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLengths(labels, a, b, 'predictsSameMistake');
  let wrong = 0,
    same = 0;
  for (let i = 0; i < labels.length; i++) {
    if (a[i] !== labels[i]) {
      wrong++;
      if (b[i] === a[i]) same++;
    }
  }
  return wrong ? same / wrong : NaN;
}
