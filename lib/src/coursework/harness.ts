/**
 * The grader's side inside a graded kernel (scripts/grade.js puts `sealForGrading` in a first cell of
 * its own, before any cell of the hand-in runs). Not for notebooks.
 *
 * Why: the hand-in's code runs in the same JavaScript realm as the test cells, before and between
 * them. Sealing makes that code unable to change what a test cell computes or how its pass is known:
 * - the built-ins test code and checks use are frozen (Math, JSON, Number, String, Array, the typed
 *   arrays, Reflect, Promise, Map, Set, Function.prototype, console, ...), and every global binding
 *   becomes non-configurable, so no later script can shadow it with a `let`/`const` of its own;
 * - the library's module objects (every `aelab` module and `@tensorflow/tfjs`) are frozen and their
 *   require.cache entries fixed, so `ae.expectClose = ...` or swapping a cache entry does nothing;
 * - tslab's table of the notebook's top-level names (`__tslab__.exports`, through which every cell
 *   reads an earlier cell's declarations) is wrapped: `ae` and `tf` always read the library, and the
 *   names a test or locked cell declares are fixed to that cell's values once it has run
 *   (`lock`, authorised per cell), so no later cell, declaration or assignment replaces them;
 * - a test cell's pass is a line only this module can write for that cell: HMAC(secret, "pass:" + cell)
 *   with a per-run secret the grader generated; the grader appends `pass(cell)` as the test cell's
 *   last statement, so the line appears only when every check before it ran without throwing.
 *   Printed "✓" lines, a swallowed error or a forged execute reply do not make that line.
 * What this does NOT stop is listed in README "The grader runs student code".
 */
import * as crypto from 'crypto';
import * as path from 'path';

type Dict = Record<string | symbol, unknown>;

/** Globals whose value is frozen as well as fixed. */
const FROZEN_GLOBALS = ['Math', 'JSON', 'Reflect', 'Atomics', 'Intl', 'console'];
/** The typed-array constructors (frozen as classes; their prototypes fixed as element prototypes). */
const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];
/** Constructors frozen with their prototypes (the override-prone Object.prototype and Error.prototype are handled apart). */
const FROZEN_CLASSES = [
  'Array',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'Promise',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'RegExp',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  ...TYPED_ARRAYS,
  'Function',
  'Object',
  'Date',
  'Proxy',
];
/** Prototypes V8's fast element paths depend on: their properties are fixed one by one, not frozen (see fixProperties). */
const ELEMENT_PROTOS = new Set(['Array', ...TYPED_ARRAYS, 'String', 'Number', 'Boolean', 'Symbol', 'BigInt']);
/** Names a test cell may read that always mean the library. */
const LIBRARY_NAMES: Record<string, string> = { ae: 'aelab', tf: '@tensorflow/tfjs' };

/**
 * Every own property fixed (non-writable, non-configurable), without Object.freeze: freezing
 * Array.prototype, Object.prototype or a typed-array prototype makes V8 drop its fast paths for the
 * elements of EVERY array (its "no elements" protector), and MNIST loading took 7× as long.
 * The price: such a prototype still accepts new properties (Object.prototype does not, and the
 * checks read their options as own properties only).
 */
const fixProperties = (o: unknown): void => {
  if (!((typeof o === 'object' && o !== null) || typeof o === 'function')) return;
  for (const k of Reflect.ownKeys(o as object)) {
    // Not `constructor`: V8's species protectors watch it, and every typed-array slice, subarray and
    // map would take the slow path (4× on MNIST loading). pass() checks it instead (see intact()).
    if (k === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    if (!d.configurable) continue;
    try {
      Object.defineProperty(o, k, { ...d, configurable: false, ...('value' in d ? { writable: false } : {}) });
    } catch {
      /* */
    }
  }
};
const freeze = (o: unknown): void => {
  if ((typeof o === 'object' && o !== null) || typeof o === 'function') {
    try {
      Object.freeze(o);
    } catch {
      /* an exotic object */
    }
  }
};

/** `proto[k]` as an accessor: reads the original; assigning on an instance defines the instance's own property (as SES does). */
function tameOverride(proto: Dict, k: string): void {
  const desc = Object.getOwnPropertyDescriptor(proto, k);
  if (!desc || !('value' in desc)) return;
  const value = desc.value;
  Object.defineProperty(proto, k, {
    get() {
      return value;
    },
    set(this: Dict, v: unknown) {
      if (this === proto) throw new TypeError(`Object.prototype.${k} is fixed while grading`);
      Object.defineProperty(this, k, { value: v, writable: true, enumerable: true, configurable: true });
    },
    enumerable: desc.enumerable,
    configurable: false,
  });
}

function freezeIntrinsics(g: Dict): void {
  for (const name of FROZEN_GLOBALS) freeze(g[name]);
  for (const name of FROZEN_CLASSES) {
    const C = g[name] as { prototype?: unknown } | undefined;
    if (!C) continue;
    if (name !== 'Object' && name !== 'Function') (ELEMENT_PROTOS.has(name) || name === 'Promise' ? fixProperties : freeze)(C.prototype);
    freeze(C);
  }
  const TypedArray = Object.getPrototypeOf(Int8Array) as { prototype: unknown };
  fixProperties(TypedArray.prototype);
  freeze(TypedArray);
  for (const f of [
    function* () {
      /* */
    },
    async function () {
      /* */
    },
    async function* () {
      /* */
    },
  ]) {
    freeze(Object.getPrototypeOf(f));
    freeze(Object.getPrototypeOf(f).prototype);
  }
  freeze(Object.getPrototypeOf([][Symbol.iterator]())); // %ArrayIteratorPrototype%
  freeze(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))); // %IteratorPrototype%
  // Object.prototype and Function.prototype: every method fixed, but as an accessor, so that code which
  // assigns a same-named property on its own objects (`exports.hasOwnProperty = …` in mathjs,
  // `this.constructor = d` in tslib) still works; no new properties.
  for (const proto of [Object.prototype, Function.prototype] as unknown as Dict[]) {
    for (const k of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, k)!;
      if (!d.configurable) continue;
      if ('value' in d && typeof k === 'string') tameOverride(proto, k);
      else Object.defineProperty(proto, k, { ...d, configurable: false, ...('value' in d ? { writable: false } : {}) });
    }
    // No new inherited properties either: an `Object.prototype.tol = 1e9` would loosen every check's tolerance.
    Object.preventExtensions(proto);
  }
  // Error.prepareStackTrace would hand later code the functions on the call stack (and their source).
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  freeze(Buffer);
  freeze(Buffer.prototype);
}

/** Every global binding becomes non-configurable (no `let Math = ...` in a later script can shadow it); the standard ones read-only too. */
function fixGlobals(g: Dict, extra: string[]): void {
  const readOnly = new Set([
    ...FROZEN_GLOBALS,
    ...FROZEN_CLASSES,
    'globalThis',
    'Error',
    'TypeError',
    'RangeError',
    'isNaN',
    'isFinite',
    'parseFloat',
    'parseInt',
    'Buffer',
    'process',
    '__tslab__',
    ...extra,
  ]);
  for (const k of Reflect.ownKeys(g)) {
    const d = Object.getOwnPropertyDescriptor(g, k);
    if (!d || !d.configurable) continue;
    const fixed: PropertyDescriptor = { ...d, configurable: false };
    if ('value' in d && typeof k === 'string' && readOnly.has(k)) fixed.writable = false;
    try {
      Object.defineProperty(g, k, fixed);
    } catch {
      /* leave it */
    }
  }
}

/** Freezes module objects and fixes their require.cache entries. */
function freezeModules(match: (file: string) => boolean): number {
  const cache = require.cache as Dict;
  let n = 0;
  for (const file of Object.keys(cache)) {
    if (!match(file)) continue;
    const m = cache[file] as { exports?: unknown } | undefined;
    if (!m) continue;
    const ex = m.exports as Dict | undefined;
    if (ex && (typeof ex === 'object' || typeof ex === 'function')) {
      for (const k of Object.keys(ex)) {
        let v: unknown;
        try {
          v = ex[k];
        } catch {
          continue;
        }
        if (typeof v === 'function' && v.prototype && k[0] === k[0].toUpperCase()) freeze(v.prototype); // an exported class
        if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && Object.getPrototypeOf(v) === Object.prototype) freeze(v);
      }
      freeze(ex);
    }
    freeze(m);
    try {
      Object.defineProperty(cache, file, { value: m, writable: false, configurable: false, enumerable: true });
    } catch {
      /* */
    }
    n++;
  }
  return n;
}

export interface SealOptions {
  /** The per-run secret (hex), known to the grader only. */
  secret: string;
}

/**
 * Seals this kernel for grading (see the file comment). Call once, first, right after `initBackend()`
 * (which patches tfjs with the library's fast kernels: sealed first, tfjs keeps its slow route and
 * FGSM took 20× the CPU time). Returns what was frozen.
 * Installs `globalThis.__aelabGrader` = { pass(cell), lock(cell, mac, values) }.
 */
export function sealForGrading(opts: SealOptions): { modules: number } {
  const g = globalThis as unknown as Dict;
  if (g.__aelabGrader) throw new Error('sealForGrading: already sealed');
  const key = crypto.createSecretKey(Buffer.from(opts.secret, 'hex'));
  const mac = (text: string): string => crypto.createHmac('sha256', key).update(text).digest('hex');
  // Captured now: later code cannot swap what these names mean.
  const stdout = process.stdout;
  const libraries: Dict = {};
  for (const [name, id] of Object.entries(LIBRARY_NAMES)) libraries[name] = require(require.resolve(id, { paths: [process.cwd()] }));
  const libRoot = path.dirname(require.resolve('aelab/package.json', { paths: [process.cwd()] }));
  const libReal = (() => {
    try {
      return require('fs').realpathSync(libRoot) as string;
    } catch {
      return libRoot;
    }
  })();
  const tfjsRoot = path.dirname(path.dirname(require.resolve('@tensorflow/tfjs/package.json', { paths: [process.cwd()] })));

  // tslab's table of top-level names: `ae`/`tf` always the library; names a test or locked cell
  // declared are fixed once that cell has run; everything else as tslab has it.
  const tslab = (g.__tslab__ ?? { exports: {}, require }) as { exports: Dict; require: unknown };
  const inner = tslab.exports;
  const locked = new Map<string | symbol, unknown>(Object.entries(libraries));
  locked.set('globalThis', globalThis);
  const names = new Proxy(inner, {
    get: (t, k) => (locked.has(k) ? locked.get(k) : Reflect.get(inner, k)),
    set: (t, k, v) => (locked.has(k) ? true : Reflect.set(inner, k, v)),
    defineProperty: (t, k, d) => (locked.has(k) ? true : Reflect.defineProperty(inner, k, d)),
    deleteProperty: (t, k) => (locked.has(k) ? true : Reflect.deleteProperty(inner, k)),
    getOwnPropertyDescriptor: (t, k) => Reflect.getOwnPropertyDescriptor(inner, k),
    has: (t, k) => locked.has(k) || Reflect.has(inner, k),
  });
  const holder = Object.freeze({ exports: names, require: tslab.require });
  Object.defineProperty(g, '__tslab__', { value: holder, writable: false, configurable: false, enumerable: false });

  // The `constructor`s left assignable for speed (see fixProperties): a pass needs them untouched.
  const species = [
    Array,
    Promise,
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
    Object.getPrototypeOf(Int8Array),
  ] as unknown as { prototype: { constructor: unknown } }[];
  const intact = (): boolean => species.every(C => Object.getOwnPropertyDescriptor(C.prototype, 'constructor')?.value === C);
  const usedLocks = new Set<number>();
  const grader = Object.freeze({
    /**
     * The last statement of test cell `cell` (with that cell's token, which only the grader and the
     * cell's own source know): prints the line that proves the cell ran to its end.
     */
    pass(cell: number, token: string, part: 'visible' | 'all' = 'all'): void {
      const tag = part === 'visible' ? '-visible' : '';
      if (token !== mac(`test${tag}:${cell}`)) throw new Error('grader: pass refused');
      if (!intact()) throw new Error('grader: pass refused: a built-in constructor was replaced');
      stdout.write(`\n⟦aelab-pass ${cell} ${mac(`pass${tag}:${cell}`)}⟧\n`);
    },
    /** The last statement of a test or locked cell: fixes the names it declared (authorised by the grader for that cell, once). */
    lock(cell: number, token: string, values: Dict): void {
      if (usedLocks.has(cell) || token !== mac(`lock:${cell}`)) throw new Error('grader: lock refused');
      usedLocks.add(cell);
      for (const k of Object.keys(values)) if (!locked.has(k)) locked.set(k, values[k]);
    },
  });
  Object.defineProperty(g, '__aelabGrader', { value: grader, writable: false, configurable: false, enumerable: false });

  // What the library loads lazily, loaded now: its polyfills (mathjs, under danfojs, assigns
  // Number.isFinite) must run before the built-ins are frozen.
  for (const id of ['danfojs']) {
    try {
      require(require.resolve(id, { paths: [process.cwd()] }));
    } catch {
      /* not installed */
    }
  }
  // Library modules, then the built-ins and globals.
  let modules = freezeModules(f => f.startsWith(libReal + path.sep) || f.startsWith(libRoot + path.sep));
  modules += freezeModules(
    f => f.startsWith(tfjsRoot + path.sep) && /[\\/]@tensorflow[\\/]tfjs(-core|-layers)?[\\/]dist[\\/](index|tf[^\\/]*)\.js$/.test(f),
  );
  // The inspector would let later code read the source of the running test cell (its tokens) and its variables.
  const Module = require('module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const denied = new Set(['inspector', 'node:inspector', 'inspector/promises', 'node:inspector/promises']);
  Object.defineProperty(Module, '_load', {
    value: function (this: unknown, request: string, ...rest: unknown[]) {
      if (denied.has(request)) throw new Error(`require("${request}") is not available while grading`);
      return load.call(this, request, ...rest);
    },
    writable: false,
    configurable: false,
  });
  Object.defineProperty(process, '_debugProcess', {
    value: () => {
      throw new Error('not available while grading');
    },
    writable: false,
    configurable: false,
  });
  for (const id of ['vm', 'crypto', 'zeromq', 'typescript']) {
    try {
      const m = require(require.resolve(id, { paths: [process.cwd(), __dirname] })) as Dict;
      if (id === 'zeromq')
        for (const k of Object.keys(m)) if (typeof m[k] === 'function') freeze((m[k] as { prototype?: unknown }).prototype);
      freeze(m);
    } catch {
      /* not loaded here */
    }
  }
  freezeIntrinsics(g);
  fixGlobals(g, ['__aelabGrader']);
  return { modules };
}
