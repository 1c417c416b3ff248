/**
 * HTML and CSV escaping for the scripts: the library's one copy (lib/src/core/text.ts), loaded
 * without TensorFlow.js. Build the library first (`npm run build`; `npm ci` does it).
 */
'use strict';
module.exports = require('aelab/dist/src/core/text');
