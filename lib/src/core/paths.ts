/**
 * Where the library is installed: the folder of lib/package.json (the package named "aelab"), and
 * the project around it, whose data/ holds the trained models and results. Found by walking up from
 * the compiled file, so moving a source file between folders can't break a path.
 */
import * as fs from 'fs';
import * as path from 'path';

function findLibDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === 'aelab') return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`aelab: no package.json named "aelab" above ${__dirname}; the library's install is damaged (run npm ci).`);
  }
}

/** The library's folder, `<project>/lib`. */
export const LIB_DIR: string = findLibDir();
/** The project's folder (the parent of lib/). */
export const PROJECT_DIR: string = path.dirname(LIB_DIR);
