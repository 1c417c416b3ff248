'use strict';
/**
 * The native BLAS addon if it was built (node native/build.js), else null with the reason:
 * `{ addon, reason }`. lib/src/runtime/nativeBlas.ts decides whether to use it.
 */
const path = require('path');
function load() {
  try {
    return { addon: require(path.join(__dirname, 'build', 'Release', 'aelab_blas.node')), reason: null };
  } catch (e) {
    const missing = e && e.code === 'MODULE_NOT_FOUND';
    return {
      addon: null,
      reason: missing ? 'not built (node native/build.js --verbose shows why)' : String(e.message).split('\n')[0].slice(0, 160),
    };
  }
}
module.exports = load();
