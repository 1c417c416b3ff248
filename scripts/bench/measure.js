/**
 * The in-process measurements of `npm run bench`: kernel micro-benchmarks, training epochs,
 * FGSM over the test set, an ε sweep. Every figure has wall seconds (what a user waits) and CPU
 * seconds of this process (steadier on a shared machine).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const ae = require('aelab').internals;

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `fn` once; returns its result with wall and CPU seconds. */
function timed(fn) {
  const w0 = performance.now(),
    c0 = cpuSeconds();
  const value = fn();
  return { value, seconds: (performance.now() - w0) / 1000, cpuSeconds: cpuSeconds() - c0 };
}

/** Median of the per-call time of each function, called in turn `rounds` times (interleaved). */
function interleaved(fns, rounds) {
  const names = Object.keys(fns),
    ms = Object.fromEntries(names.map(n => [n, []]));
  for (const n of names) fns[n](); // warm-up (JIT, XNNPACK operator cache)
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const w0 = performance.now();
      fns[n]();
      ms[n].push(performance.now() - w0);
    }
  }
  const median = a => a.slice().sort((x, y) => x - y)[a.length >> 1];
  return Object.fromEntries(names.map(n => [n, median(ms[n])]));
}

const r3 = x => Math.round(x * 1000) / 1000;

/**
 * Micro-benchmarks showing that each speed-up in lib/src/runtime/fastKernels.ts, fusedAdam.ts and
 * maxout.ts does what it claims, with tfjs's own route as the baseline in the same process (all
 * on wasm); then, when the native BLAS is active, the native path against wasm with its speed-ups.
 */
function kernels(rounds, fgsmImages = 1000) {
  const out = ae.withoutNativeBlas(() => wasmKernels(rounds, fgsmImages));
  if (ae.nativeBlas().active) out.push(...nativeKernels(rounds, fgsmImages));
  return out;
}

/** The native BLAS path (runtime/nativeBlas.ts) against wasm with all its speed-ups. */
/** One training step of `clf` on the batch (xb, yb) with `opt`, waiting for the loss: for interleaved timing. */
const trainingStep = (clf, opt, xb, yb) => () =>
  tf.tidy(() => {
    opt
      .minimize(
        () => tf.mean(ae.lossFromLogits('softmax', /** @type {tf.Tensor2D} */ (clf.net.apply(xb, { training: true })), yb, 10)),
        true,
      )
      .dataSync();
  });

function nativeKernels(rounds, fgsmImages) {
  const out = [],
    wasm = fn => () => ae.withoutNativeBlas(fn),
    blas = ae.nativeBlas().blas,
    // Both sides run in this process, so on this process's wasm pool (sized for the native path).
    pool = `${ae.wasmThreadsInUse()}-thread pool`;
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 1),
    W = tf.randomUniform([784, 1200], -0.05, 0.05, 'float32', 2);
  const dy = tf.randomUniform([128, 1200], -1, 1, 'float32', 3);
  const fwd = () =>
      tf.tidy(() => {
        tf.matMul(x, W).dataSync();
      }),
    gw = () =>
      tf.tidy(() => {
        tf.matMul(x, dy, true, false).dataSync();
      });
  const mm = interleaved({ native: fwd, wasm: wasm(fwd), nativeA: gw, wasmA: wasm(gw) }, rounds);
  out.push({
    name: `matMul 128×784 · 784×1200: native ${blas}`,
    ms: r3(mm.native),
    baselineMs: r3(mm.wasm),
    baseline: `wasm (XNNPACK), ${pool}`,
  });
  out.push({
    name: `matMul (128×784)ᵀ · 128×1200 (weight gradient): native ${blas}`,
    ms: r3(mm.nativeA),
    baselineMs: r3(mm.wasmA),
    baseline: `wasm with our transpose, ${pool}`,
  });
  const test = ae.loadMnist().test;
  const xb = tf.tensor2d(test.x.subarray(0, 128 * 784), [128, 784]),
    yb = tf.tensor1d(test.y.subarray(0, 128), 'int32');
  const x1k = tf.tensor2d(test.x.subarray(0, fgsmImages * 784), [fgsmImages, 784]),
    y1k = tf.tensor1d(test.y.subarray(0, fgsmImages), 'int32');
  const nets = [1, 2].map(() => ae.maxoutNetwork({ seed: 1 })),
    opts = [ae.adamOptimizer(1e-3), ae.adamOptimizer(1e-3)];
  const step = i => trainingStep(nets[i], opts[i], xb, yb);
  const st = interleaved({ native: step(0), wasm: wasm(step(1)) }, rounds);
  out.push({
    name: `maxout training step, batch 128: native ${blas}`,
    ms: r3(st.native),
    baselineMs: r3(st.wasm),
    baseline: `wasm with all our speed-ups, ${pool}`,
  });
  const fgsm = () =>
    tf.tidy(() => {
      ae.rawFgsm(nets[0], x1k, y1k, 0.25, 1).dataSync();
    });
  const fg = interleaved({ native: fgsm, wasm: wasm(fgsm) }, Math.max(3, rounds >> 1));
  out.push({
    name: `FGSM on ${fgsmImages} images, maxout: native ${blas}`,
    ms: r3(fg.native),
    baselineMs: r3(fg.wasm),
    baseline: `wasm with all our speed-ups, ${pool}`,
  });
  opts.forEach(o => o.dispose());
  nets.forEach(n => n.net.dispose());
  tf.dispose([x, W, dy, xb, yb, x1k, y1k]);
  for (const k of out) /** @type {Record<string, any>} */ (k).speedup = Math.round((k.baselineMs / k.ms) * 100) / 100;
  return out;
}

function wasmKernels(rounds, fgsmImages) {
  const out = [];
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 1),
    W = tf.randomUniform([784, 1200], -0.05, 0.05, 'float32', 2);
  const Wt = tf.transpose(W),
    dy = tf.randomUniform([128, 1200], -1, 1, 'float32', 3);
  // 1. transpose flags: tfjs-wasm's generic path vs our explicit transpose + XNNPACK.
  const mm = interleaved(
    {
      plain: () =>
        tf.tidy(() => {
          tf.matMul(x, W).dataSync();
        }),
      oursB: () =>
        tf.tidy(() => {
          tf.matMul(x, Wt, false, true).dataSync();
        }),
      rawB: () =>
        ae.withoutFastKernels(() =>
          tf.tidy(() => {
            tf.matMul(x, Wt, false, true).dataSync();
          }),
        ),
      oursA: () =>
        tf.tidy(() => {
          tf.matMul(x, dy, true, false).dataSync();
        }),
      rawA: () =>
        ae.withoutFastKernels(() =>
          tf.tidy(() => {
            tf.matMul(x, dy, true, false).dataSync();
          }),
        ),
    },
    rounds,
  );
  out.push({
    name: 'matMul 128×784 · (1200×784)ᵀ, transposeB flag',
    ms: r3(mm.oursB),
    baselineMs: r3(mm.rawB),
    baseline: `tfjs-wasm's flagged path (no flag: ${mm.plain.toFixed(1)} ms)`,
  });
  out.push({
    name: 'matMul (128×784)ᵀ · 128×1200 (weight gradient), transposeA',
    ms: r3(mm.oursA),
    baselineMs: r3(mm.rawA),
    baseline: "tfjs-wasm's flagged path",
  });
  // 2. Adam over the maxout network's 1.2 M parameters.
  const shapes = [[784, 1200], [1200], [240, 1200], [1200], [240, 10], [10]];
  const mk = () => shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.05, 'float32', 10 + i)));
  const va = mk(),
    vb = mk(),
    grads = shapes.map((s, i) => tf.randomNormal(s, 0, 0.01, 'float32', 20 + i));
  const ref = tf.train.adam(1e-3),
    ours = ae.adamOptimizer(1e-3);
  const ad = interleaved(
    {
      tfjs: () => ref.applyGradients(va.map((v, i) => ({ name: v.name, tensor: grads[i] }))),
      ours: () => ours.applyGradients(vb.map((v, i) => ({ name: v.name, tensor: grads[i] }))),
    },
    rounds,
  );
  out.push({
    name: `Adam step, 1.2 M parameters (${ours.getClassName()})`,
    ms: r3(ad.ours),
    baselineMs: r3(ad.tfjs),
    baseline: 'tf.train.adam',
  });
  ref.dispose();
  ours.dispose();
  tf.dispose([...va, ...vb, ...grads]);
  // 3. maxout gradient: winner-index gradient vs tfjs's Max gradient (same values).
  const z = tf.randomNormal([128, 1200], 0, 1, 'float32', 4),
    g = tf.randomNormal([128, 240], 0, 1, 'float32', 5);
  const mx = interleaved(
    {
      tfjs: () =>
        tf.tidy(() => {
          tf.grad(a => tf.sum(tf.mul(tf.max(tf.reshape(a, [-1, 240, 5]), 2), g)))(z).dataSync();
        }),
      ours: () =>
        tf.tidy(() => {
          tf.grad(a => tf.sum(tf.mul(ae.maxoutOp(/** @type {tf.Tensor2D} */ (a), 5), g)))(z).dataSync();
        }),
    },
    rounds,
  );
  out.push({
    name: 'maxout forward + gradient, 128×1200 → 128×240',
    ms: r3(mx.ours),
    baselineMs: r3(mx.tfjs),
    baseline: "tfjs's max-reduction gradient",
  });
  // 4. a whole maxout training step (batch 128, dropout, Adam) and 5. an FGSM input gradient
  //    (1000 images): everything above together vs tfjs's own kernels, gradients and Adam.
  const test = ae.loadMnist().test;
  const xb = tf.tensor2d(test.x.subarray(0, 128 * 784), [128, 784]),
    yb = tf.tensor1d(test.y.subarray(0, 128), 'int32');
  const x1k = tf.tensor2d(test.x.subarray(0, fgsmImages * 784), [fgsmImages, 784]),
    y1k = tf.tensor1d(test.y.subarray(0, fgsmImages), 'int32');
  const nets = [1, 2, 3, 4, 5].map(() => ae.maxoutNetwork({ seed: 1 }));
  const opts = [ae.adamOptimizer(1e-3), ae.adamOptimizer(1e-3), tf.train.adam(1e-3), tf.train.adam(1e-3), ae.adamOptimizer(1e-3)];
  const step = i => trainingStep(nets[i], opts[i], xb, yb);
  const st = interleaved(
    {
      ours: step(0),
      eager: () => ae.withoutFastKernels(step(1), 'lazy'),
      tfAdam: step(2),
      tfjs: () => ae.withoutFastKernels(step(3)),
      packing: () => ae.withoutFastKernels(step(4), 'swap'),
    },
    rounds,
  );
  out.push({
    name: 'maxout training step, batch 128: ours vs fused-matMul gradients',
    ms: r3(st.ours),
    baselineMs: r3(st.eager),
    baseline: "tfjs's eager fused gradient (∂/∂images too)",
  });
  out.push({
    name: 'maxout training step, batch 128: ours vs packing each new weight matrix',
    ms: r3(st.ours),
    baselineMs: r3(st.packing),
    baseline: 'XNNPACK packs W every step (no operand swap)',
  });
  out.push({
    name: 'maxout training step, batch 128: ours vs tf.train.adam',
    ms: r3(st.ours),
    baselineMs: r3(st.tfAdam),
    baseline: 'tf.train.adam',
  });
  out.push({
    name: 'maxout training step, batch 128: ours vs all of tfjs',
    ms: r3(st.ours),
    baselineMs: r3(st.tfjs),
    baseline: "tfjs's kernels, fused gradients, Adam",
  });
  const netA = nets[0];
  const fgsm = () =>
    tf.tidy(() => {
      ae.rawFgsm(netA, x1k, y1k, 0.25, 1).dataSync();
    });
  const fg = interleaved(
    { ours: fgsm, eager: () => ae.withoutFastKernels(fgsm, 'lazy'), tfjs: () => ae.withoutFastKernels(fgsm) },
    Math.max(3, rounds >> 1),
  );
  out.push({
    name: `FGSM on ${fgsmImages} images, maxout: ours vs fused-matMul gradients`,
    ms: r3(fg.ours),
    baselineMs: r3(fg.eager),
    baseline: 'eager fused gradient: every ∂/∂W too',
  });
  out.push({
    name: `FGSM on ${fgsmImages} images, maxout: ours vs all of tfjs`,
    ms: r3(fg.ours),
    baselineMs: r3(fg.tfjs),
    baseline: "tfjs's kernels and fused gradients",
  });
  opts.forEach(o => o.dispose());
  nets.forEach(n => n.net.dispose());
  tf.dispose([x, W, Wt, dy, z, g, xb, yb, x1k, y1k]);
  for (const k of out) /** @type {Record<string, any>} */ (k).speedup = Math.round((k.baselineMs / k.ms) * 100) / 100;
  return out;
}

/** Whether a trained model is saved in data/models/<name>/. */
function savedModel(repo, name) {
  return fs.existsSync(path.join(repo, 'data', 'models', name, 'meta.json'));
}

/**
 * One training epoch of a recipe, timed over `images` training images (a seeded sample) and
 * scaled to the recipe's full training set; `images` equal to the set size times a whole epoch.
 */
function trainingEpoch(name, images) {
  const r = ae.recipe(name);
  const { train: full } = r.data(); // MNIST is loaded once per process
  const n = Math.min(images, full.n);
  const ds = n === full.n ? full : ae.sample(full, n, 1);
  const clf = r.build(r.seed, ds);
  const { validation, ...opts } = /** @type {Record<string, any>} */ (r.options);
  const t = timed(() => ae.train(clf, ds, { ...opts, epochs: 1, seed: r.seed }));
  const scale = full.n / n;
  return {
    clf,
    row: {
      model: name,
      recipeEpochs: r.options.epochs,
      trainSetImages: full.n,
      images: n,
      fraction: r3(n / full.n),
      seconds: r3(t.seconds),
      cpuSeconds: r3(t.cpuSeconds),
      epochSeconds: r3(t.seconds * scale),
      epochCpuSeconds: r3(t.cpuSeconds * scale),
      scaled: n < full.n,
      loss: r3(t.value.epochs[0].loss),
    },
  };
}

/** FGSM (ε) over `test`: the attack, the error on the adversarial images, the clean error. */
function fgsmOver(clf, test, epsilon) {
  const attack = timed(() => ae.fgsmDataset(clf, test, epsilon));
  const adv = timed(() => ae.evaluate(clf, attack.value));
  const clean = timed(() => ae.evaluate(clf, test));
  return {
    images: test.n,
    epsilon,
    attackSeconds: r3(attack.seconds),
    adversarialEvalSeconds: r3(adv.seconds),
    cleanEvalSeconds: r3(clean.seconds),
    seconds: r3(attack.seconds + adv.seconds + clean.seconds),
    cpuSeconds: r3(attack.cpuSeconds + adv.cpuSeconds + clean.cpuSeconds),
    error: r3(adv.value.error),
    cleanError: r3(clean.value.error),
  };
}

/** The model to attack: the saved one when present, else the one the bench just trained. */
async function modelFor(repo, name, benchTrained) {
  if (savedModel(repo, name)) return { clf: (await ae.getModel(name)).clf, source: `data/models/${name}` };
  if (benchTrained) return { clf: benchTrained, source: 'trained by the bench (partial epoch)' };
  return null;
}

function sweep(clf, test, points) {
  const eps = ae.epsilonRange(0, 0.3, points);
  const t = timed(() => ae.epsilonSweep(clf, test, eps));
  return {
    images: test.n,
    points,
    seconds: r3(t.seconds),
    cpuSeconds: r3(t.cpuSeconds),
    epsilons: eps,
    errors: t.value.map(p => r3(p.error)),
  };
}

/**
 * GFLOP/s of one float32 product (M×K)·(K×N) on the active backend, median of `rounds` calls:
 * with the maxout network's first-layer shape, the floor under an epoch's or FGSM's time.
 */
function gemm(m, k, n, rounds) {
  const a = tf.randomUniform([m, k], 0, 1, 'float32', 1),
    b = tf.randomUniform([k, n], -0.5, 0.5, 'float32', 2);
  const t =
    interleaved(
      {
        mm: () =>
          tf.tidy(() => {
            tf.matMul(a, b).dataSync();
          }),
      },
      rounds,
    ).mm / 1000;
  tf.dispose([a, b]);
  return { m, k, n, seconds: t, gflops: r3((2 * m * k * n) / t / 1e9) };
}

module.exports = { gemm, timed, interleaved, kernels, trainingEpoch, fgsmOver, modelFor, savedModel, sweep, cpuSeconds, r3 };
