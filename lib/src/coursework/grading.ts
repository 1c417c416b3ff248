/**
 * Checks for the coursework exercises. A failed check says what was expected, what the
 * student's code returned, and a hint — never a bare assertion error.
 * @see notebooks/01-linear-explanation.ipynb (first exercises) and README "For students"
 */

export class ExerciseCheckError extends Error {
  constructor(exercise: string, what: string, expected: string, got: string, hint?: string) {
    super(`✗ Exercise ${exercise}: ${what}\n    expected: ${expected}\n    got:      ${got}${hint ? `\n    hint:     ${hint}` : ''}`);
    this.name = 'ExerciseCheckError';
  }
}

/** An option as given by the caller: own properties only, never one inherited from a (tampered) Object.prototype. */
const own = <T>(opts: object, key: string, fallback: T): T => {
  const d = Object.getOwnPropertyDescriptor(opts, key);
  return d && 'value' in d && d.value !== undefined ? (d.value as T) : fallback;
};

const show = (v: unknown): string => {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  if (ArrayBuffer.isView(v))
    return `[${Array.from(v as unknown as ArrayLike<number>)
      .slice(0, 6)
      .map(show)
      .join(', ')}${(v as unknown as ArrayLike<number>).length > 6 ? ', …' : ''}]`;
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
};

/** Passes when |got − expected| ≤ tol (absolute) or ≤ rtol·|expected|. */
export function expectClose(
  exercise: string,
  what: string,
  got: unknown,
  expected: number,
  opts: { tol?: number; rtol?: number; hint?: string } = {},
): void {
  const tol = own(opts, 'tol', 1e-6),
    rtol = own(opts, 'rtol', 0);
  if (typeof got !== 'number' || !Number.isFinite(got) || Math.abs(got - expected) > Math.max(tol, rtol * Math.abs(expected))) {
    throw new ExerciseCheckError(
      exercise,
      what,
      `${show(expected)} (± ${show(Math.max(tol, rtol * Math.abs(expected)))})`,
      show(got),
      own<string | undefined>(opts, 'hint', undefined),
    );
  }
  console.log(`✓ Exercise ${exercise}: ${what}`);
}

/** Passes when every entry of `got` is within `tol` of `expected`. */
export function expectAllClose(
  exercise: string,
  what: string,
  got: ArrayLike<number> | undefined | null,
  expected: ArrayLike<number>,
  opts: { tol?: number; hint?: string } = {},
): void {
  const tol = own(opts, 'tol', 1e-5);
  if (!got || typeof got.length !== 'number')
    throw new ExerciseCheckError(
      exercise,
      what,
      `an array of ${expected.length} numbers`,
      show(got),
      own<string | undefined>(opts, 'hint', undefined),
    );
  if (got.length !== expected.length)
    throw new ExerciseCheckError(
      exercise,
      what,
      `${expected.length} values`,
      `${got.length} values`,
      own<string | undefined>(opts, 'hint', undefined),
    );
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(got[i] - expected[i]) <= tol)) {
      throw new ExerciseCheckError(
        exercise,
        `${what} (first mismatch at index ${i})`,
        show(expected[i]),
        show(got[i]),
        own<string | undefined>(opts, 'hint', undefined),
      );
    }
  }
  console.log(`✓ Exercise ${exercise}: ${what}`);
}

/** Passes when `condition` holds; `got` describes what was seen. */
export function expectThat(exercise: string, what: string, condition: boolean, expected: string, got: unknown, hint?: string): void {
  if (!condition) throw new ExerciseCheckError(exercise, what, expected, show(got), hint);
  console.log(`✓ Exercise ${exercise}: ${what}`);
}

/** The stub the student edition puts in place of a solution. */
export function notImplemented(exercise: string): never {
  throw new Error(`not implemented yet: exercise ${exercise}`);
}

/** True for the error thrown by an untouched exercise stub. */
export function isNotImplemented(e: unknown): boolean {
  return /not implemented yet/.test(String((e as Error)?.message ?? e));
}

/**
 * Runs the student's version of something later cells need; if the exercise is not done yet
 * (its stub throws), says so visibly and returns the library's version instead.
 */
export function studentOrLibrary<T>(exercise: string, student: () => T, library: () => T): T {
  try {
    return student();
  } catch (e) {
    if (!isNotImplemented(e)) throw e;
    console.log(`⚠ Exercise ${exercise} is not done yet: using the library's version so the notebook can go on.`);
    return library();
  }
}
