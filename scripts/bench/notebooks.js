/**
 * Runs notebooks one at a time with the project kernel (scripts/notebooks/run_notebooks.py, nbclient) and
 * measures each one's wall time and the peak resident memory of its tslab kernel.
 *
 * Peak memory: while a notebook runs we poll /proc every 200 ms for the runner's descendant
 * processes and read the kernel's VmHWM (the kernel's own high-water mark of resident memory,
 * so a spike between two polls is not missed) and the summed VmRSS of all of them.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

/** pid → parent pid for every process we can see. */
function parents() {
  const map = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      map.set(+d, +s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      /* exited meanwhile */
    }
  }
  return map;
}

function descendants(root) {
  const pp = parents(),
    out = [];
  for (const pid of pp.keys()) {
    for (let p = pp.get(pid), hops = 0; p && hops < 20; p = pp.get(p), hops++)
      if (p === root) {
        out.push(pid);
        break;
      }
  }
  return out;
}

/** VmHWM and VmRSS of a process in MiB, and whether it is a tslab kernel. */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = key => +((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) || [])[1] || 0);
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024, kernel: /tslab/.test(cmd) && /\bkernel\b/.test(cmd) };
  } catch {
    return null;
  }
}

/**
 * Executes `notebook` and resolves to {notebook, ok, seconds, kernelPeakMiB, processesPeakMiB, message}.
 * `runner` is {python, script, env, outDir, timeout}.
 */
function runNotebook(notebook, runner) {
  return new Promise(resolve => {
    const t0 = performance.now();
    const child = spawn(runner.python, [runner.script, notebook, '--out', runner.outDir, '--timeout', String(runner.timeout)], {
      env: runner.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '',
      kernelPeak = 0,
      sumPeak = 0;
    child.stdout.on('data', d => {
      text += d;
    });
    child.stderr.on('data', d => {
      text += d;
    });
    const poll = () => {
      let sum = 0;
      for (const pid of descendants(child.pid)) {
        const m = memoryOf(pid);
        if (!m) continue;
        sum += m.rss;
        if (m.kernel) kernelPeak = Math.max(kernelPeak, m.hwm);
      }
      sumPeak = Math.max(sumPeak, sum);
    };
    const timer = setInterval(poll, 200);
    child.on('close', code => {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      const ok = code === 0 && /\b1 passed, 0 failed/.test(text);
      resolve({
        notebook: path.basename(notebook),
        ok,
        seconds: Math.round(seconds * 10) / 10,
        kernelPeakMiB: kernelPeak ? Math.round(kernelPeak) : null,
        processesPeakMiB: sumPeak ? Math.round(sumPeak) : null,
        ...(ok ? {} : { message: text.trim().split('\n').slice(-8).join('\n') }),
      });
    });
  });
}

module.exports = { runNotebook, descendants, memoryOf };
