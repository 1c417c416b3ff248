/**
 * Command-line options for every script, over node's `util.parseArgs`: strict (an unknown option or
 * a missing value is an error that names it and shows the usage), plus the value checks the scripts
 * share. Paths are resolved against the folder the user ran `npm run` from (INIT_CWD), not the repo.
 */
'use strict';
const path = require('path');
const util = require('util');

/** A bad command line: the scripts print its message and the usage, and exit with status 2. */
class UsageError extends Error {}

/** The folder the user typed the command in (`npm run` changes to the repo root). */
function here() {
  return process.env.INIT_CWD || process.cwd();
}

/** `p` resolved against `here()`. */
function resolvePath(p) {
  return path.resolve(here(), p);
}

/**
 * Parses `argv` with `options` (util.parseArgs' format; `--help`/`-h` added). Throws `UsageError`
 * for unknown options, missing values, or positionals when `positionals` is false.
 * @param {string[]} argv
 * @param {Record<string, { type: 'string' | 'boolean', short?: string, multiple?: boolean }>} options
 * @returns {{ values: Record<string, any>, positionals: string[], help: boolean }}
 */
function parse(argv, options, { positionals = true } = {}) {
  try {
    const r = util.parseArgs({
      args: argv,
      strict: true,
      allowPositionals: positionals,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    });
    return { values: r.values, positionals: r.positionals, help: !!r.values.help };
  } catch (e) {
    if (String(e.code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(e.message.replace(/\. To specify a positional argument.*$/s, '.'));
    throw e;
  }
}

/** `v` as a whole number ≥ `min` (default 1), else a UsageError naming `--name`. */
function wholeNumber(name, v, min = 1) {
  if (!/^\d+$/.test(String(v)) || Number(v) < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, got "${v}"`);
  return Number(v);
}

/**
 * Runs a script's `main(argv)`: a UsageError prints `<name>: <message>` and the usage (exit 2);
 * `--help` prints the usage (exit 0). Other errors propagate.
 */
function cli(name, usage, main) {
  const fail = e => {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`${name}: ${e.message}`);
    (e.message ? console.error : console.log)(usage);
    process.exit(e.message ? 2 : 0);
  };
  try {
    const r = main(process.argv.slice(2));
    if (r && typeof r.then === 'function') return r.catch(fail);
    return r;
  } catch (e) {
    return fail(e);
  }
}

module.exports = { UsageError, here, resolvePath, parse, wholeNumber, cli };
