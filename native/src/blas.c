/*
 * aelab-native: single-precision matrix products on the system BLAS (OpenBLAS on Linux, Accelerate
 * on macOS), on Float32Array views of the tfjs wasm backend's heap (an ArrayBuffer, or a
 * SharedArrayBuffer with wasm threads): operands are read and the product written in place,
 * addressed by float offsets into that heap, so nothing is copied. See lib/src/runtime/nativeBlas.ts.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
static void set_threads(int n) { (void)n; }   /* Accelerate sizes its own pool */
static int get_threads(void) { return 0; }
static const char *blas_name(void) { return "Accelerate"; }
#else
#include <cblas.h>
/* OpenBLAS's own entry points (declared here: not every cblas.h declares them). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
static void set_threads(int n) { openblas_set_num_threads(n); }
static int get_threads(void) { return openblas_get_num_threads(); }
static const char *blas_name(void) { return openblas_get_config(); }
#endif

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "aelab-native: N-API call failed: " #call); return NULL; } } while (0)

static int64_t arg_i64(napi_env env, napi_value v, int *ok) {
  int64_t x = 0;
  if (napi_get_value_int64(env, v, &x) != napi_ok) *ok = 0;
  return x;
}

/*
 * gemm(heap, batch, M, N, K, transA, transB, aOff, bOff, cOff, strideA, strideB, strideC, biasOff, relu)
 * For each b < batch: C_b (M×N, row-major) = op(A_b)·op(B_b) [+ bias row] [then max(0, ·)], where
 * A_b starts at heap[aOff + b·strideA] (M×K, or K×M with transA), B_b at heap[bOff + b·strideB]
 * (K×N, or N×K with transB), C_b at heap[cOff + b·strideC]; a stride of 0 broadcasts an operand.
 * biasOff < 0: no bias; otherwise heap[biasOff .. biasOff+N) is added to every row.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 15) { napi_throw_type_error(env, NULL, "aelab-native: gemm expects 15 arguments"); return NULL; }
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "aelab-native: gemm's first argument must be a Float32Array (the wasm heap)");
    return NULL;
  }
  int ok = 1;
  int64_t v[14];
  for (int i = 0; i < 14; i++) v[i] = arg_i64(env, argv[i + 1], &ok);
  if (!ok) { napi_throw_type_error(env, NULL, "aelab-native: gemm's arguments 2-15 must be integers"); return NULL; }
  const int64_t batch = v[0], M = v[1], N = v[2], K = v[3];
  const int transA = v[4] != 0, transB = v[5] != 0;
  const int64_t aOff = v[6], bOff = v[7], cOff = v[8], sA = v[9], sB = v[10], sC = v[11], biasOff = v[12];
  const int relu = v[13] != 0;
  if (batch < 0 || M < 0 || N < 0 || K < 0 || sA < 0 || sB < 0 || sC < 0 || M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) {
    napi_throw_range_error(env, NULL, "aelab-native: gemm: negative or too large size or stride");
    return NULL;
  }
  if (batch == 0 || M == 0 || N == 0) return NULL;
  const int64_t len = (int64_t)length, last = batch - 1;
  /* Every operand must lie inside the heap: a wrong offset is an error, not a write past the end. */
  if (aOff < 0 || bOff < 0 || cOff < 0 || (K > 0 && (aOff + last * sA + M * K > len || bOff + last * sB + K * N > len)) ||
      cOff + last * sC + M * N > len || (biasOff >= 0 && biasOff + N > len)) {
    napi_throw_range_error(env, NULL, "aelab-native: gemm: an operand lies outside the heap");
    return NULL;
  }
  float *heap = (float *)data;
  const int m = (int)M, n = (int)N, k = (int)K;
  for (int64_t b = 0; b < batch; b++) {
    float *C = heap + cOff + b * sC;
    float beta = 0.0f;
    if (biasOff >= 0) {
      for (int i = 0; i < m; i++) memcpy(C + (int64_t)i * n, heap + biasOff, sizeof(float) * (size_t)n);
      beta = 1.0f;
    }
    if (k == 0) {
      if (biasOff < 0) memset(C, 0, sizeof(float) * (size_t)(M * N));
    } else {
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                  m, n, k, 1.0f, heap + aOff + b * sA, transA ? m : k, heap + bOff + b * sB, transB ? k : n,
                  beta, C, n);
    }
    if (relu) for (int64_t i = 0; i < M * N; i++) if (C[i] < 0.0f) C[i] = 0.0f;   /* NaN stays NaN */
  }
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
  set_threads(n);
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
    { "setThreads", NULL, set_threads_js, NULL, NULL, NULL, napi_default, NULL },
    { "getThreads", NULL, get_threads_js, NULL, NULL, NULL, napi_default, NULL },
    { "config", NULL, config_js, NULL, NULL, NULL, napi_default, NULL },
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
