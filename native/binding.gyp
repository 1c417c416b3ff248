# -ffp-contract=off: no fused multiply-adds, so the elementwise passes give tfjs's floats bit for bit
# (GCC already stops contracting under -std=c99; clang contracts by default, also under -std=c99).
# On macOS gyp ignores "cflags": the same flags go in xcode_settings.
{
  "targets": [{
    "target_name": "aelab_blas",
    "sources": ["src/blas.c"],
    "cflags": ["-O2", "-std=c99", "-ffp-contract=off", "-D_POSIX_C_SOURCE=200809L", "-pthread"],
    "ldflags": ["-pthread"],
    "conditions": [
      ["OS=='mac'", {
        "libraries": ["-framework Accelerate"],
        "xcode_settings": { "OTHER_CFLAGS": ["-O2", "-std=c99", "-ffp-contract=off"], "MACOSX_DEPLOYMENT_TARGET": "11.0" },
        "defines": ["ACCELERATE_NEW_LAPACK"]
      }, {
        "libraries": ["-lopenblas", "-lm"]
      }]
    ]
  }]
}
