/*
 * aelab-native: single-precision matrix products on the system BLAS (OpenBLAS on Linux, Accelerate
 * on macOS), on Float32Array views of the tfjs wasm backend's heap (an ArrayBuffer, or a
 * SharedArrayBuffer with wasm threads): operands are read and the product written in place,
 * addressed by float offsets into that heap, so nothing is copied. See lib/src/runtime/nativeBlas.ts.
 * Beside the products, the few elementwise passes that cost most on wasm's one thread (maxout and its
 * gradient, FGSM's sign step, dropout's mask, bias gradients' column sums: see `npm run bench`), as plain loops that give the
 * same floats as the tfjs ops they replace, bit for bit (lib/test/runtime/nativeOps.test.ts).
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <pthread.h>

#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
static void blas_single_thread(void) {}   /* Accelerate sizes its own pool */
static const char *blas_name(void) { return "Accelerate"; }
#else
#include <cblas.h>
/* OpenBLAS's own entry points (declared here: not every cblas.h declares them). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
static void blas_single_thread(void) { openblas_set_num_threads(1); }
static const char *blas_name(void) { return openblas_get_config(); }
#endif

/*
 * Threads. The BLAS's own threads change the results: OpenBLAS 0.3.21 with 2 threads summed 73 % of
 * a 128×784·784×1200 product's outputs in another order than with 1. So the BLAS always runs on one
 * thread, and a product is cut into column blocks by its shape alone (`chunks_for`), each block one
 * single-threaded BLAS call; our own threads share out the blocks. Every output is then computed by
 * the same call whatever the thread count: the same floats with 1 thread or 4
 * (lib/test/runtime/nativeBlas.test.ts), and the thread count only sets the speed.
 */
#define MAX_THREADS 4
#define MAX_CHUNKS 4

typedef struct {
  int transA, transB, m, n, k, lda, ldb, ldc, relu;
  const float *A, *B, *bias;
  float *C;
} chunk_t;

static int n_threads = 1;          /* ours, set by setThreads; the BLAS stays at 1 */
static int started = 0;            /* worker threads started so far (each waits for work) */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static chunk_t jobs[MAX_CHUNKS];
/*
 * One word per product handed out, read atomically: its number << 8 | blocks. Blocks are claimed
 * from `claim` (the product's number << 32 | the next block), so a worker that wakes late, after
 * the product is done, claims nothing of it, nor of the next one: the calling thread never waits
 * for a thread that had nothing to do. `done` counts the product's finished blocks.
 */
static unsigned long generation = 0;
static unsigned long long claim = 0;
static int done = 0;
static pthread_mutex_t gemm_mu = PTHREAD_MUTEX_INITIALIZER; /* one product at a time uses jobs[] (Node workers may share the addon) */

/* Column blocks for an output N columns wide: at least 64 columns each, at most MAX_CHUNKS. */
static int chunks_for(int n) {
  int c = n / 64;
  return c < 1 ? 1 : (c > MAX_CHUNKS ? MAX_CHUNKS : c);
}

/* Start of block i of c over n columns, at a multiple of 16 (one AVX-512 register of floats). */
static int chunk_start(int i, int c, int n) {
  if (i >= c) return n;
  int64_t at = ((int64_t)i * n / c + 15) / 16 * 16;
  return at > n ? n : (int)at;
}

static void run_chunk(const chunk_t *j) {
  if (j->n <= 0) return;
  float beta = 0.0f;
  if (j->bias) {
    for (int i = 0; i < j->m; i++) memcpy(j->C + (int64_t)i * j->ldc, j->bias, sizeof(float) * (size_t)j->n);
    beta = 1.0f;
  }
  if (j->k == 0) {
    if (!j->bias) for (int i = 0; i < j->m; i++) memset(j->C + (int64_t)i * j->ldc, 0, sizeof(float) * (size_t)j->n);
  } else {
    cblas_sgemm(CblasRowMajor, j->transA ? CblasTrans : CblasNoTrans, j->transB ? CblasTrans : CblasNoTrans, j->m, j->n, j->k,
                1.0f, j->A, j->lda, j->B, j->ldb, beta, j->C, j->ldc);
  }
  if (j->relu)
    for (int i = 0; i < j->m; i++) {
      float *row = j->C + (int64_t)i * j->ldc;
      for (int q = 0; q < j->n; q++) if (row[q] < 0.0f) row[q] = 0.0f;   /* NaN stays NaN */
    }
}

static int sleepers = 0; /* workers waiting on work_cv (under mu) */

/*
 * Workers sleep on a condition variable between products: waking one costs up to ~0.4 ms here, but
 * spinning instead (tried for 0.1, 1 and 5 ms) took the second core from V8's own threads (GC, JIT)
 * and made training slower, not faster (2026-12-02: a 6,000-image maxout epoch 0.74–0.76 s sleeping,
 * 0.79–0.96 s spinning 0.1 ms; 1 thread 0.81–0.87 s).
 */
/* Claims and runs blocks of product `number` (of `count` blocks) until none is left. */
static void run_claimed(unsigned long number, int count) {
  const unsigned long long tag = (unsigned long long)(number & 0xffffffffUL) << 32;
  for (;;) {
    unsigned long long w = __atomic_load_n(&claim, __ATOMIC_ACQUIRE);
    if ((w & 0xffffffff00000000ULL) != tag || (int)(w & 0xffffffffULL) >= count) return;
    if (!__atomic_compare_exchange_n(&claim, &w, w + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) continue;
    run_chunk(&jobs[w & 0xffffffffULL]);
    if (__atomic_add_fetch(&done, 1, __ATOMIC_ACQ_REL) == count) {
      pthread_mutex_lock(&mu);
      pthread_cond_signal(&done_cv);
      pthread_mutex_unlock(&mu);
    }
  }
}

static void *worker(void *arg) {
  (void)arg;
  unsigned long seen = 0;
  for (;;) {
    pthread_mutex_lock(&mu);
    sleepers++;
    while (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) == seen) pthread_cond_wait(&work_cv, &mu);
    sleepers--;
    seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    pthread_mutex_unlock(&mu);
    run_claimed(seen >> 8, (int)(seen & 255));
  }
  return NULL;
}

/* Runs jobs[0 .. count) on up to n_threads threads, this one included: products below ~1 M
 * multiply-adds on this thread alone (a hand-over costs more than it saves). Either way every block
 * is the same BLAS call, so the floats are the same. */
static void run_jobs(int count, int64_t macs) {
  if (n_threads <= 1 || count <= 1 || macs < (1 << 20)) {
    for (int i = 0; i < count; i++) run_chunk(&jobs[i]);
    return;
  }
  pthread_mutex_lock(&mu);
  const unsigned long number = (generation >> 8) + 1;
  __atomic_store_n(&done, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&claim, (unsigned long long)(number & 0xffffffffUL) << 32, __ATOMIC_RELEASE); /* after jobs[] */
  __atomic_store_n(&generation, number << 8 | (unsigned long)count, __ATOMIC_RELEASE);
  if (sleepers > 0) pthread_cond_broadcast(&work_cv);
  pthread_mutex_unlock(&mu);
  /* Blocks go to whichever thread is free: one the OS gives less time, or wakes late, takes fewer. */
  run_claimed(number, count);
  pthread_mutex_lock(&mu);
  while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < count) pthread_cond_wait(&done_cv, &mu);
  pthread_mutex_unlock(&mu);
}

/* Sets our thread count (1 to MAX_THREADS), starting workers as needed; 0 if one cannot start. */
static int set_threads(int n) {
  if (n > MAX_THREADS) n = MAX_THREADS;
  blas_single_thread();
  while (started < n - 1) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int rc = pthread_create(&t, &attr, worker, (void *)(intptr_t)(started + 1));
    pthread_attr_destroy(&attr);
    if (rc != 0) break;
    started++;
  }
  n_threads = started + 1 < n ? started + 1 : n;
  return n_threads == n;
}

static int get_threads(void) { return n_threads; }

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "aelab-native: N-API call failed: " #call); return NULL; } } while (0)

#define MAX_ARGS 16

/*
 * Reads a call's arguments: the wasm heap (a Float32Array) first, then one per letter of `kinds`,
 * 'i' an integer (into ints, in order) or 'd' a number (into reals, in order). On a wrong count or
 * type it throws a TypeError that names the function and returns 0.
 */
static int read_call(napi_env env, napi_callback_info info, const char *name, const char *kinds, float **heap, size_t *len,
                     int64_t *ints, double *reals) {
  const size_t want = 1 + strlen(kinds);
  size_t argc = MAX_ARGS;
  napi_value argv[MAX_ARGS];
  char msg[160];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want) {
    snprintf(msg, sizeof msg, "aelab-native: %s: wrong number of arguments (%zu expected)", name, want);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, len, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    snprintf(msg, sizeof msg, "aelab-native: %s's first argument must be a Float32Array (the wasm heap)", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *heap = (float *)data;
  int ok = 1;
  for (size_t i = 1; i < want; i++) {
    if (kinds[i - 1] == 'i') ok &= napi_get_value_int64(env, argv[i], ints++) == napi_ok;
    else ok &= napi_get_value_double(env, argv[i], reals++) == napi_ok;
  }
  if (!ok) {
    snprintf(msg, sizeof msg, "aelab-native: %s's arguments 2-%zu must be numbers (integers for sizes and offsets)", name, want);
    napi_throw_type_error(env, NULL, msg);
  }
  return ok;
}

/* Whether [off, off + n) lies inside a heap of len floats. */
static int inside(int64_t off, int64_t n, size_t len) { return off >= 0 && n >= 0 && off + n <= (int64_t)len; }

/* Throws a RangeError "aelab-native: <name>: <what>". */
static napi_value range_error(napi_env env, const char *name, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "aelab-native: %s: %s", name, what);
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

static const char OUTSIDE[] = "a size is negative or an operand lies outside the heap";

/*
 * gemm(heap, batch, M, N, K, transA, transB, aOff, bOff, cOff, strideA, strideB, strideC, biasOff, relu)
 * For each b < batch: C_b (M×N, row-major) = op(A_b)·op(B_b) [+ bias row] [then max(0, ·)], where
 * A_b starts at heap[aOff + b·strideA] (M×K, or K×M with transA), B_b at heap[bOff + b·strideB]
 * (K×N, or N×K with transB), C_b at heap[cOff + b·strideC]; a stride of 0 broadcasts an operand.
 * biasOff < 0: no bias; otherwise heap[biasOff .. biasOff+N) is added to every row.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  float *heap;
  size_t length;
  int64_t v[14];
  if (!read_call(env, info, "gemm", "iiiiiiiiiiiiii", &heap, &length, v, NULL)) return NULL;
  const int64_t batch = v[0], M = v[1], N = v[2], K = v[3];
  const int transA = v[4] != 0, transB = v[5] != 0;
  const int64_t aOff = v[6], bOff = v[7], cOff = v[8], sA = v[9], sB = v[10], sC = v[11], biasOff = v[12];
  const int relu = v[13] != 0;
  if (batch < 0 || M < 0 || N < 0 || K < 0 || sA < 0 || sB < 0 || sC < 0 || M > INT32_MAX || N > INT32_MAX || K > INT32_MAX)
    return range_error(env, "gemm", "negative or too large size or stride");
  if (batch == 0 || M == 0 || N == 0) return NULL;
  const int64_t len = (int64_t)length, last = batch - 1;
  /* Every operand must lie inside the heap: a wrong offset is an error, not a write past the end. */
  if (aOff < 0 || bOff < 0 || cOff < 0 || (K > 0 && (aOff + last * sA + M * K > len || bOff + last * sB + K * N > len)) ||
      cOff + last * sC + M * N > len || (biasOff >= 0 && biasOff + N > len))
    return range_error(env, "gemm", "an operand lies outside the heap");
  const int m = (int)M, n = (int)N, k = (int)K, chunks = chunks_for(n);
  pthread_mutex_lock(&gemm_mu);
  for (int64_t b = 0; b < batch; b++) {
    const float *A = heap + aOff + b * sA, *B = heap + bOff + b * sB;
    float *C = heap + cOff + b * sC;
    for (int c = 0; c < chunks; c++) {
      const int c0 = chunk_start(c, chunks, n), c1 = chunk_start(c + 1, chunks, n);
      /* Columns c0..c1 of op(B): with transB, rows c0..c1 of B as stored. */
      jobs[c] = (chunk_t){ transA, transB, m, c1 - c0, k, transA ? m : k, transB ? k : n, n, relu,
                           A, transB ? B + (int64_t)c0 * k : B + c0, biasOff >= 0 ? heap + biasOff + c0 : NULL, C + c0 };
    }
    run_jobs(chunks, (int64_t)m * n * k);
  }
  pthread_mutex_unlock(&gemm_mu);
  return NULL;
}

/*
 * maxout(heap, groups, pieces, zOff, outOff, argOff): for each group g, out[g] = the max of
 * z[g·pieces .. (g+1)·pieces) and, when argOff >= 0, arg[g] (int32) = the first index holding it:
 * tfjs-wasm's Max and ArgMax over the last axis (a later piece wins only if strictly greater).
 */
static napi_value maxout(napi_env env, napi_callback_info info) {
  float *heap;
  size_t len;
  int64_t a[5];
  if (!read_call(env, info, "maxout", "iiiii", &heap, &len, a, NULL)) return NULL;
  const int64_t groups = a[0], pieces = a[1], zOff = a[2], outOff = a[3], argOff = a[4];
  if (groups < 0 || pieces < 1 || !inside(zOff, groups * pieces, len) || !inside(outOff, groups, len) ||
      (argOff >= 0 && !inside(argOff, groups, len)))
    return range_error(env, "maxout", OUTSIDE);
  const float *z = heap + zOff;
  float *out = heap + outOff;
  int32_t *arg = argOff >= 0 ? (int32_t *)(void *)heap + argOff : NULL;
  for (int64_t g = 0; g < groups; g++) {
    const float *p = z + g * pieces;
    float m = p[0];
    int32_t win = 0;
    for (int32_t j = 1; j < pieces; j++)
      if (p[j] > m) { m = p[j]; win = j; }
    out[g] = m;
    if (arg) arg[g] = win;
  }
  return NULL;
}

/*
 * maxoutGrad(heap, groups, pieces, dyOff, argOff, dxOff): dx[g·pieces + j] = dy[g] for the winning
 * piece j = arg[g], else 0·dy[g] (what tfjs's oneHot(arg)·dy gives, signed zeros and NaN included).
 */
static napi_value maxout_grad(napi_env env, napi_callback_info info) {
  float *heap;
  size_t len;
  int64_t a[5];
  if (!read_call(env, info, "maxoutGrad", "iiiii", &heap, &len, a, NULL)) return NULL;
  const int64_t groups = a[0], pieces = a[1], dyOff = a[2], argOff = a[3], dxOff = a[4];
  if (groups < 0 || pieces < 1 || !inside(dyOff, groups, len) || !inside(argOff, groups, len) || !inside(dxOff, groups * pieces, len))
    return range_error(env, "maxoutGrad", OUTSIDE);
  const float *dy = heap + dyOff;
  const int32_t *arg = (const int32_t *)(const void *)heap + argOff;
  float *dx = heap + dxOff;
  for (int64_t g = 0; g < groups; g++) {
    const float d = dy[g], zero = 0.0f * d;
    float *q = dx + g * pieces;
    for (int32_t j = 0; j < pieces; j++) q[j] = j == arg[g] ? d : zero;
  }
  return NULL;
}

/*
 * signStep(heap, n, xOff, gOff, outOff, step, clip): out = x + step·sign(g), then clipped to [0, 1]
 * when clip != 0; sign(g) is exact (±1 for any nonzero g, 0 for 0 and NaN: core/sign.ts's exactSign)
 * and step is rounded to float32 first, as tfjs does with a number operand.
 */
static napi_value sign_step(napi_env env, napi_callback_info info) {
  float *heap;
  size_t len;
  int64_t a[5];
  double stepD;
  if (!read_call(env, info, "signStep", "iiiidi", &heap, &len, a, &stepD)) return NULL;
  const int64_t n = a[0], xOff = a[1], gOff = a[2], outOff = a[3], clip = a[4];
  if (!inside(xOff, n, len) || !inside(gOff, n, len) || !inside(outOff, n, len)) return range_error(env, "signStep", OUTSIDE);
  const float step = (float)stepD;
  const float *x = heap + xOff, *g = heap + gOff;
  float *out = heap + outOff;
  for (int64_t i = 0; i < n; i++) {
    const float s = (float)(g[i] > 0.0f) - (float)(g[i] < 0.0f);
    float v = x[i] + s * step;
    if (clip) v = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    out[i] = v;
  }
  return NULL;
}

/*
 * The Alea stream (seedrandom's, which tf.randomUniform draws from) from state (c, s0, s1, s2),
 * written to out[0 .. n) as `emit` says: a dropout mask (u >= rate ? scale : 0, u rounded to
 * float32 and rate, scale given as float32, as tf.greaterEqual(tf.randomUniform(...), rate) does)
 * or uniform values (float32)(lo + range·u), as tf.randomUniform(shape, lo, lo + range) computes
 * them in double. Alea's arithmetic is IEEE double (no contraction: -ffp-contract=off, binding.gyp), so the stream is the
 * same bits.
 */
typedef struct { int mask; float rate, scale; double lo, range; } emit_t;

static inline float emit_one(const emit_t *e, double u) {
  return e->mask ? ((float)u >= e->rate ? e->scale : 0.0f) : (float)(e->lo + e->range * u);
}

static void alea_fill(double c, double s0, double s1, double s2, int64_t n, float *out, const emit_t *e) {
  const double two32 = 4294967296.0;
  /* Alea started by Mash holds multiples of 2^-32 and an integer carry below 2^21: then every t is
   * exact in double ((a·m + c) / 2^32 with a·m + c < 2^53), and the stream is a multiply-with-carry
   * in 64-bit integers, the same numbers without the double rounding chain (~4x faster). */
  const double m0d = s0 * two32, m1d = s1 * two32, m2d = s2 * two32;
  if (c >= 0 && c < 2097152.0 && c == (double)(int64_t)c && m0d >= 0 && m0d < two32 && m0d == (double)(uint64_t)m0d &&
      m1d >= 0 && m1d < two32 && m1d == (double)(uint64_t)m1d && m2d >= 0 && m2d < two32 && m2d == (double)(uint64_t)m2d) {
    uint64_t m0 = (uint64_t)m0d, m1 = (uint64_t)m1d, m2 = (uint64_t)m2d, cc = (uint64_t)c;
    for (int64_t i = 0; i < n; i++) {
      const uint64_t x = 2091639ULL * m0 + cc;
      cc = x >> 32;
      m0 = m1;
      m1 = m2;
      m2 = x & 0xffffffffULL;
      out[i] = emit_one(e, (double)m2 * 2.3283064365386963e-10);
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    const double t = 2091639.0 * s0 + c * 2.3283064365386963e-10; /* 2^-32 */
    s0 = s1;
    s1 = s2;
    c = (double)(int32_t)t; /* JS's t | 0: 0 <= t < 2^31 here */
    s2 = t - c;
    out[i] = emit_one(e, s2);
  }
}

/* dropoutMask(heap, n, outOff, c, s0, s1, s2, rate, scale) and randomUniform(heap, n, outOff, c, s0,
 * s1, s2, lo, range): see alea_fill. */
static napi_value alea_js(napi_env env, napi_callback_info info, int mask) {
  const char *name = mask ? "dropoutMask" : "randomUniform";
  float *heap;
  size_t len;
  int64_t a[2];
  double st[6];
  if (!read_call(env, info, name, "iidddddd", &heap, &len, a, st)) return NULL;
  const int64_t n = a[0], outOff = a[1];
  if (!inside(outOff, n, len)) return range_error(env, name, OUTSIDE);
  const emit_t e = { mask, (float)st[4], (float)st[5], st[4], st[5] };
  alea_fill(st[0], st[1], st[2], st[3], n, heap + outOff, &e);
  return NULL;
}

static napi_value dropout_mask(napi_env env, napi_callback_info info) { return alea_js(env, info, 1); }
static napi_value random_uniform(napi_env env, napi_callback_info info) { return alea_js(env, info, 0); }

/*
 * columnSum(heap, rows, cols, xOff, outOff): out[j] = x[0][j] + x[1][j] + ... in that order, from 0:
 * tfjs-wasm's Sum over the leading axis (it transposes, then adds each row of the transpose left to
 * right), without the transpose. The bias gradients of every Dense layer.
 */
static napi_value column_sum(napi_env env, napi_callback_info info) {
  float *heap;
  size_t len;
  int64_t a[4];
  if (!read_call(env, info, "columnSum", "iiii", &heap, &len, a, NULL)) return NULL;
  const int64_t rows = a[0], cols = a[1], xOff = a[2], outOff = a[3];
  if (rows < 0 || cols < 0 || !inside(xOff, rows * cols, len) || !inside(outOff, cols, len)) return range_error(env, "columnSum", OUTSIDE);
  const float *x = heap + xOff;
  float *out = heap + outOff;
  for (int64_t j = 0; j < cols; j++) out[j] = 0.0f;
  for (int64_t i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    for (int64_t j = 0; j < cols; j++) out[j] += row[j];
  }
  return NULL;
}

/*
 * momentumStep(heap, n, valueOff, accOff, gradOff, mOff, cOff, newValueOff, newAccOff): tfjs's
 * MomentumOptimizer update in one pass, the same float32 operations in the same order:
 * acc' = m·acc + g, value' = c·acc' + value (m and c are its scalars: momentum and −learning rate).
 */
static napi_value momentum_step(napi_env env, napi_callback_info info) {
  float *heap;
  size_t len;
  int64_t a[8];
  if (!read_call(env, info, "momentumStep", "iiiiiiii", &heap, &len, a, NULL)) return NULL;
  const int64_t n = a[0];
  if (!inside(a[1], n, len) || !inside(a[2], n, len) || !inside(a[3], n, len) || !inside(a[4], 1, len) || !inside(a[5], 1, len) ||
      !inside(a[6], n, len) || !inside(a[7], n, len))
    return range_error(env, "momentumStep", OUTSIDE);
  const float *value = heap + a[1], *acc = heap + a[2], *g = heap + a[3];
  const float m = heap[a[4]], c = heap[a[5]];
  float *nv = heap + a[6], *na = heap + a[7];
  for (int64_t i = 0; i < n; i++) {
    const float acc2 = m * acc[i] + g[i];
    na[i] = acc2;
    nv[i] = c * acc2 + value[i];
  }
  return NULL;
}

/*
 * maxColumnNorm(heap, rows, cols, wOff, outOff, c): sgdRecipe.ts's max-norm step in two passes, the
 * same float32 operations in the same order: norm_j = sqrt(w[0][j]² + w[1][j]² + ...) (rows added in
 * order, as the Sum over axis 0), out[i][j] = w[i][j] · (min(norm_j, c) / (norm_j + 1e-7)).
 */
static napi_value max_column_norm(napi_env env, napi_callback_info info) {
  float *heap;
  size_t len;
  int64_t a[4];
  double cD;
  if (!read_call(env, info, "maxColumnNorm", "iiiid", &heap, &len, a, &cD)) return NULL;
  const int64_t rows = a[0], cols = a[1], wOff = a[2], outOff = a[3];
  if (rows < 0 || cols < 0 || !inside(wOff, rows * cols, len) || !inside(outOff, rows * cols, len))
    return range_error(env, "maxColumnNorm", OUTSIDE);
  if (rows == 0) return NULL;
  const float *w = heap + wOff;
  float *out = heap + outOff;
  const float c = (float)cD, tiny = (float)1e-7;
  /* The column sums go to out's first row as scratch, then become the scale factors. */
  float *scale = out;
  for (int64_t j = 0; j < cols; j++) scale[j] = 0.0f;
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) { const float x = w[i * cols + j]; scale[j] += x * x; }
  for (int64_t j = 0; j < cols; j++) {
    const float norm = sqrtf(scale[j]);
    scale[j] = (norm < c ? norm : c) / (norm + tiny);
  }
  for (int64_t i = rows - 1; i >= 0; i--) /* last row first: row 0 holds the scales until the end */
    for (int64_t j = 0; j < cols; j++) out[i * cols + j] = w[i * cols + j] * scale[j];
  return NULL;
}

static napi_value set_threads_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t n = 0;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) {
    napi_throw_range_error(env, NULL, "aelab-native: setThreads expects an integer >= 1");
    return NULL;
  }
  if (!set_threads(n)) {
    napi_throw_error(env, NULL, "aelab-native: setThreads could not start a thread (pthread_create failed)");
    return NULL;
  }
  return NULL;
}

static napi_value get_threads_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_int32(env, get_threads(), &out));
  return out;
}

static napi_value config_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  const char *s = blas_name();
  CHECK(napi_create_string_utf8(env, s ? s : "unknown BLAS", NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL },
    { "maxout", NULL, maxout, NULL, NULL, NULL, napi_default, NULL },
    { "maxoutGrad", NULL, maxout_grad, NULL, NULL, NULL, napi_default, NULL },
    { "signStep", NULL, sign_step, NULL, NULL, NULL, napi_default, NULL },
    { "dropoutMask", NULL, dropout_mask, NULL, NULL, NULL, napi_default, NULL },
    { "randomUniform", NULL, random_uniform, NULL, NULL, NULL, napi_default, NULL },
    { "columnSum", NULL, column_sum, NULL, NULL, NULL, napi_default, NULL },
    { "momentumStep", NULL, momentum_step, NULL, NULL, NULL, napi_default, NULL },
    { "maxColumnNorm", NULL, max_column_norm, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, set_threads_js, NULL, NULL, NULL, napi_default, NULL },
    { "getThreads", NULL, get_threads_js, NULL, NULL, NULL, napi_default, NULL },
    { "config", NULL, config_js, NULL, NULL, NULL, napi_default, NULL },
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
