/**
 * The library's version, read once from `lib/package.json` — the one place it is written — so the
 * setup line, model metadata and bench reports can't disagree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LIB_DIR } from './paths';

/** The `aelab` version, as in lib/package.json. */
export const LIB_VERSION: string = String(JSON.parse(fs.readFileSync(path.join(LIB_DIR, 'package.json'), 'utf8')).version);
