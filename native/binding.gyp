{
  "targets": [{
    "target_name": "aelab_blas",
    "sources": ["src/blas.c"],
    "cflags": ["-O2", "-std=c99", "-D_POSIX_C_SOURCE=200809L", "-pthread"],
    "ldflags": ["-pthread"],
    "conditions": [
      ["OS=='mac'", {
        "libraries": ["-framework Accelerate"],
        "xcode_settings": { "OTHER_CFLAGS": ["-O2"], "MACOSX_DEPLOYMENT_TARGET": "11.0" },
        "defines": ["ACCELERATE_NEW_LAPACK"]
      }, {
        "libraries": ["-lopenblas", "-lm"]
      }]
    ]
  }]
}
