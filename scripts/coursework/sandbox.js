/**
 * The sandbox a hand-in's kernel runs in while it is graded (scripts/grade.js, grade_run.py).
 *
 * With bubblewrap (`bwrap`, Debian package `bubblewrap`) the kernel runs
 * - as its own unprivileged user (uid 61000 + job slot) when the grader is root (setpriv), so it can
 *   neither signal the grader's processes nor read files only root may read;
 * - in its own user, PID, IPC and UTS namespaces: it sees no process outside the sandbox (killing its
 *   "parent", pid 1 of the namespace, does nothing), and when the sandbox ends every process it
 *   started ends too (--die-with-parent; the namespace's init takes them all down);
 * - on a file system made of read-only binds of what a notebook needs (/usr, /etc, the project's
 *   node_modules, lib, native and data) and size-limited tmpfs folders: its working folder (the scratch
 *   folder), /tmp and data/results. Instructor notebooks, hidden tests, other hand-ins and the
 *   grader's outputs are not in it at all.
 * The network is not cut off (the kernel talks to the grader over loopback TCP).
 *
 * Without bubblewrap (or where it cannot create namespaces) the kernel runs with the grader's own
 * rights; `describe()` says so, and grade.js prints it as its first line.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { REPO } = require('../env/paths');
const UID_BASE = 61000;
/** Where the kernel works inside the sandbox: under REPO, so `require("aelab")` finds node_modules. */
const BOX = path.join(REPO, 'out', 'grade-work', 'box');

const which = cmd =>
  (process.env.PATH || '/usr/bin:/bin')
    .split(':')
    .map(d => path.join(d, cmd))
    .find(f => {
      try {
        fs.accessSync(f, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }) || null;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Host folders bound read-only into the sandbox (those that exist), for the project in `repo`. */
function readOnlyBinds(repo) {
  const binds = [
    '/usr',
    '/etc',
    path.join(repo, 'node_modules'),
    path.join(repo, 'lib'),
    // node_modules/aelab-native links here: without it the native BLAS is not found in the sandbox
    // (and with AELAB_NATIVE=1, as under npm test, the backend could not start).
    path.join(repo, 'native'),
    path.join(repo, 'data'),
    path.join(repo, 'package.json'),
  ];
  const node = path.dirname(fs.realpathSync(process.execPath));
  if (!node.startsWith('/usr/')) binds.push(node);
  return binds.filter(p => fs.existsSync(p));
}

/**
 * The bwrap arguments (without the command) for a kernel working in BOX, scratch limited to
 * `scratchMb`; `repo` is the project (this one unless a test says otherwise).
 */
function bwrapArgs({ scratchMb, env, repo = REPO }) {
  const box = path.join(repo, path.relative(REPO, BOX));
  const a = [
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--die-with-parent',
    '--clearenv',
  ];
  for (const [k, v] of Object.entries(env)) a.push('--setenv', k, v);
  const bytes = String(scratchMb * 2 ** 20);
  // /tmp first: bwrap mounts in order, so a project under /tmp (a clone in /tmp/x) is bound on top
  // of the empty /tmp rather than hidden by it (every kernel then died before it could start).
  a.push('--size', bytes, '--tmpfs', '/tmp');
  for (const p of readOnlyBinds(repo)) a.push('--ro-bind', p, p);
  for (const d of ['bin', 'lib', 'lib64', 'sbin'])
    if (fs.existsSync(`/usr/${d}`) && fs.lstatSync(`/${d}`).isSymbolicLink()) a.push('--symlink', `usr/${d}`, `/${d}`);
  for (const d of ['bin', 'lib', 'lib64', 'sbin'])
    if (fs.existsSync(`/${d}`) && !fs.lstatSync(`/${d}`).isSymbolicLink()) a.push('--ro-bind', `/${d}`, `/${d}`);
  a.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    bytes,
    '--tmpfs',
    path.join(repo, 'data', 'results'),
    '--size',
    bytes,
    '--tmpfs',
    box,
    '--chdir',
    box,
  );
  return a;
}

let detected = null;
/**
 * What this machine allows: { kind: 'bwrap-user' | 'bwrap' | 'none', uid: bool, why }.
 * Tries bwrap once (a namespace may be forbidden even where the binary exists).
 */
function detect() {
  if (detected) return detected;
  const bwrap = which('bwrap'),
    setpriv = which('setpriv');
  if (process.env.AELAB_GRADE_SANDBOX === 'none') return (detected = { kind: 'none', why: 'AELAB_GRADE_SANDBOX=none was set' });
  if (!bwrap) return (detected = { kind: 'none', why: 'bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)' });
  const asUser = isRoot() && !!setpriv;
  const cmd = asUser ? [setpriv, ...setprivArgs(UID_BASE), bwrap] : [bwrap];
  const probe = spawnSync(
    cmd[0],
    [
      ...cmd.slice(1),
      ...bwrapArgs({ scratchMb: 1, env: { PATH: '/usr/bin:/bin' } }),
      '--',
      '/bin/sh',
      '-c',
      'test "$$" -le 3 && echo sandbox-ok',
    ],
    { encoding: 'utf8', timeout: 20000 },
  );
  if (!/sandbox-ok/.test(probe.stdout || '')) {
    return (detected = {
      kind: 'none',
      why: `bubblewrap is installed but could not create a sandbox here: ${(probe.stderr || probe.error || '').toString().trim().split('\n')[0] || `exit ${probe.status}`}`,
    });
  }
  return (detected = asUser
    ? { kind: 'bwrap-user', bwrap, setpriv }
    : { kind: 'bwrap', bwrap, why: "the grader is not root, so the kernel keeps the grader's user id (inside its own namespaces)" });
}

function setprivArgs(uid) {
  return [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--'];
}

/** One line for the grader's first line and the report. */
function describe(d = detect()) {
  if (d.kind === 'bwrap-user')
    return 'sandbox: bubblewrap, each kernel as its own unprivileged user (uid 61000+), own PID/IPC namespaces, read-only project files, size-limited scratch; no instructor notebooks, other hand-ins or grader outputs inside';
  if (d.kind === 'bwrap')
    return `sandbox: bubblewrap (own PID/IPC namespaces, read-only project files, size-limited scratch) but NOT a separate user: ${d.why}`;
  return `WARNING: NOT SANDBOXED: ${d.why}. Hand-ins run with the grader's rights and can read and write whatever it can (instructor notebooks, other hand-ins, these results). Grade as root with bubblewrap installed, or in a throw-away container.`;
}

const shq = s => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * Writes the kernelspec a grading run uses into `jupyterDir/kernels/<name>/` and returns the name.
 * Sandboxed: a launcher that copies the connection file where the sandbox user can read it and
 * starts tslab in bubblewrap. Not sandboxed: tslab directly, as the project's own kernelspec does.
 */
function writeKernelSpec({ jupyterDir, boxDir, slot, scratchMb, env, tslab }) {
  const d = detect();
  const name = 'aelab-ts-grade';
  const dir = path.join(jupyterDir, 'kernels', name);
  fs.mkdirSync(dir, { recursive: true });
  let argv;
  if (d.kind === 'none') argv = [tslab, 'kernel', '--config-path', '{connection_file}'];
  else {
    const uid = UID_BASE + slot;
    // The connection file (0600, the grader's) is copied for the sandbox user; it holds only the
    // kernel's own message key and ports.
    fs.mkdirSync(boxDir, { recursive: true, mode: 0o755 });
    const conn = path.join(boxDir, 'connection.json');
    const inside = '/run/aelab-connection.json';
    const bw = [...bwrapArgs({ scratchMb, env }), '--ro-bind', conn, inside];
    const launch = [
      '#!/bin/sh',
      'set -eu',
      `cp "$1" ${shq(conn)}`,
      d.kind === 'bwrap-user' ? `chown ${uid}:${uid} ${shq(conn)}; chmod 0400 ${shq(conn)}` : `chmod 0400 ${shq(conn)}`,
      `exec ${d.kind === 'bwrap-user' ? `${shq(d.setpriv)} ${setprivArgs(uid).map(shq).join(' ')} ` : ''}${shq(d.bwrap)} ${bw.map(shq).join(' ')} -- ${shq(process.execPath)} ${shq(tslab)} kernel --config-path ${inside}`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'launch.sh'), launch, { mode: 0o700 });
    argv = ['/bin/sh', path.join(dir, 'launch.sh'), '{connection_file}'];
  }
  fs.writeFileSync(
    path.join(dir, 'kernel.json'),
    JSON.stringify({ argv, display_name: 'aelab grading kernel', language: 'typescript' }, null, 1),
  );
  return name;
}

module.exports = { detect, describe, writeKernelSpec, bwrapArgs, BOX, UID_BASE };
