#!/usr/bin/python3
"""Executes ONE notebook for grading, cell by cell, and records what happened to each cell.

Run by scripts/coursework/grade.js (and scripts/coursework/student.js --check); not meant to be called by hand:

    /usr/bin/python3 scripts/coursework/grade_run.py IN.ipynb OUT.ipynb RESULT.json --cwd DIR
        [--timeout-cell S] [--timeout-wall S] [--memory-mb M] [--kernel aelab-ts] [--max-restarts N]

It runs untrusted student code, so it keeps going whatever that code does:
- errors: every cell runs (allow-errors); a failing cell does not stop the ones after it;
- time: a cell may use --timeout-cell seconds of CPU time (every process below the runner, polled from
  /proc), so a busy grading machine or --jobs does not make a correct cell time out; a cell that
  waits without computing is stopped after --timeout-wall seconds of wall time (default 10x). A cell
  over its limit is interrupted (SIGINT: tslab stops synchronous code); if the kernel does not answer
  within a few seconds after that, every process below the runner is killed (SIGKILL);
- memory: the resident memory (RSS) of every process below the runner is polled; over --memory-mb
  they are killed. (An address-space limit such as `prlimit --as` does not work here: V8 reserves
  about 10 GB of virtual memory per WebAssembly memory, so under a limit of 8 GB or less tfjs
  silently falls back from the wasm backend to the slow cpu backend.)
- after a kill, a fresh kernel is started and the cells that had run without error are run again
  (outputs discarded) to rebuild the state, then execution goes on with the next cell; at most
  --max-restarts times.
- output: a cell that prints more than FLOOD_CHARS characters (or FLOOD_OUTPUTS outputs) is
  interrupted like a timed-out one (status "flood"); only the first MAX_OUTPUTS are kept;
- processes: the runner is a child subreaper and measures, limits and finally kills every process below
  it (the kernel, its sandbox, and whatever the notebook started, detached or not), not a process group;
  interrupts go to the kernel process itself (SIGINT to the group would end a bubblewrap sandbox).
RESULT.json is rewritten after every cell, so what ran counts even if this runner is killed. The kernel
is started by jupyter_client in its own session; its pid is printed as `kernel-pid N` so the caller can
kill that group if this runner itself dies.

RESULT.json: {"cells": [{"index", "status", "seconds", "cpu_seconds", "ename", "evalue", "stderr", "stdout"}],
"restarts": [...], "error": null | "...", "seconds", "peak_rss_mb"}; status is one of ok, error,
timeout, memory, flood, died, not-run, skip (not code). OUT.ipynb is the executed notebook.
Exit status 0 when RESULT.json was written, 2 for bad arguments.
"""
import argparse
import copy
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from kernel_client import ANSI, REPO, jupyter_env  # noqa: E402  (shared with the other runner)
TIMEOUT_ENAME = "CellTimeoutError"
MAX_OUTPUTS = 300           # outputs kept per cell (a print loop must not exhaust the grader)
MAX_OUTPUT_CHARS = 200_000  # characters of text kept per cell
ABORT_RETRIES = 3           # times a cell the kernel aborted is sent again
FLOOD_CHARS = 5_000_000    # a cell printing more than this (kept or not) is stopped as flooding
FLOOD_OUTPUTS = 20_000
TSLAB_ERROR_PAUSE = 0.4     # seconds to wait after a failed cell (tslab aborts requests for 200 ms)
GRACE = 10                  # seconds a kernel may take to stop after an interrupt
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def processes():
    """{pid: (ppid, cpu seconds, resident bytes)} of every live process."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()  # fields[0] is stat field 3 (state)
            if fields[0] == "Z":
                continue
            out[int(pid)] = (int(fields[1]),                                  # field 4: ppid
                             (int(fields[11]) + int(fields[12])) / TICKS,      # fields 14, 15: utime, stime
                             int(fields[21]) * PAGE)                           # field 24: rss in pages
        except (OSError, ValueError, IndexError):
            continue
    return out


def descendants(root=None, procs=None):
    """Pids of every process below `root` (default: this runner), nearest first. The runner is a child
    subreaper, so a process the kernel starts and abandons (detached, double fork) stays below it."""
    root = root or os.getpid()
    procs = procs if procs is not None else processes()
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop(0)
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def tree_usage():
    """(resident bytes, CPU seconds) summed over every process below this runner."""
    procs = processes()
    pids = descendants(procs=procs)
    return sum(procs[p][2] for p in pids), sum(procs[p][1] for p in pids)


def kill_tree():
    """SIGKILLs every process below this runner (until none is left, at most a few rounds)."""
    for _ in range(20):
        pids = descendants()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)
        try:  # reap what we are the parent (or subreaper) of
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


def become_subreaper():
    """prctl(PR_SET_CHILD_SUBREAPER): orphans of the kernel's processes are re-parented to this runner."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except Exception:
        return False


def kernel_process():
    """The kernel's own process: the nearest process below the runner whose command line runs tslab
    (the launcher, setpriv and bubblewrap come before it; the hand-in's own processes after it)."""
    for pid in descendants():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"tslab") for a in argv) and b"kernel" in argv:
            return pid
    return None


def new_output(kind, **kw):
    from nbformat.v4 import new_output as make
    return make(kind, **kw)


def make_client_class(runner):
    from nbclient import NotebookClient

    class GradingClient(NotebookClient):
        """nbclient with a cap on the outputs kept per cell; a cell that floods its output is stopped."""

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in (content.get("data") or {}).values())
            runner.output_chars[cell_index] = runner.output_chars.get(cell_index, 0) + size
            runner.output_count[cell_index] = runner.output_count.get(cell_index, 0) + 1
            if (runner.output_chars[cell_index] > FLOOD_CHARS or runner.output_count[cell_index] > FLOOD_OUTPUTS) \
                    and cell_index not in runner.stopped:
                runner.stopped[cell_index] = "flood"
                runner.interrupt()
            chars = sum(len(o.get("text", "")) for o in outs if isinstance(o.get("text", ""), str))
            if len(outs) >= MAX_OUTPUTS or chars >= MAX_OUTPUT_CHARS:
                self.truncated.add(cell_index)
                return None
            return super().output(outs, msg, display_id, cell_index)

    return GradingClient


class Runner:
    def __init__(self, nb, args):
        self.nb = nb
        self.args = args
        self.cells = [{"index": i, "status": "skip" if c.cell_type != "code" or not c.source.strip() else "not-run",
                       "seconds": 0.0, "cpu_seconds": 0.0, "ename": "", "evalue": "", "stderr": ""} for i, c in enumerate(nb.cells)]
        self.restarts = []
        self.error = None
        self.replies = {}
        self.peak_rss = 0
        self.lock = threading.Lock()
        self.alive = False      # a kernel is running (the watchdog measures the processes below this runner)
        self.running = None     # index of the cell being executed
        self.cell_cpu0 = 0.0    # the tree's CPU seconds when that cell started
        self.cell_cpu = 0.0     # CPU seconds that cell has used so far
        self.stopped = {}       # cell index -> 'timeout' | 'memory' | 'flood': the grader interrupted or killed it
        self.killed = False     # the watchdog killed the kernel
        self.output_chars = {}  # cell index -> characters of output received (kept or not)
        self.output_count = {}
        self.start_time = time.monotonic()

    # -- kernel -----------------------------------------------------------------------------------
    def client(self):
        c = make_client_class(self)(
            self.nb, kernel_name=self.args.kernel, timeout=self.args.timeout_wall, startup_timeout=180,
            allow_errors=True, interrupt_on_timeout=True, iopub_timeout=4,
            error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "wall", "traceback": []},
            resources={"metadata": {"path": self.args.cwd}},
            on_cell_executed=self.on_executed,
        )
        c.truncated = set()
        return c

    def on_executed(self, cell, cell_index, execute_reply):
        self.replies[cell_index] = (execute_reply or {}).get("content", {})

    def interrupt(self):
        """SIGINT to the kernel process only (what Jupyter's "interrupt kernel" means). Not to its process
        group: in the sandbox that holds bubblewrap, which would end the sandbox instead."""
        pid = kernel_process()
        if pid:
            try:
                os.kill(pid, signal.SIGINT)
            except OSError:
                pass

    def watchdog(self, stop):
        """Enforces the CPU and memory limits of the running cell (polls /proc 4 times a second)."""
        memory = self.args.memory_mb * 2**20
        interrupted_at = None
        while not stop.wait(0.25):
            with self.lock:
                alive, i, cpu0 = self.alive, self.running, self.cell_cpu0
            if not alive:
                continue
            rss, cpu = tree_usage()
            self.peak_rss = max(self.peak_rss, rss)
            if i is not None:
                self.cell_cpu = cpu - cpu0
            if rss > memory:
                if i is not None:
                    self.stopped[i] = "memory"
                self.killed = True
                kill_tree()
                return
            if i is None or self.stopped.get(i) is None:
                interrupted_at = None
            if i is not None and self.stopped.get(i) is None and cpu - cpu0 > self.args.timeout_cell:
                self.stopped[i] = "timeout"
                interrupted_at = time.monotonic()
                self.interrupt()
            elif i is not None and self.stopped.get(i) == "flood" and interrupted_at is None:
                interrupted_at = time.monotonic()
            elif interrupted_at is not None and time.monotonic() - interrupted_at > GRACE:
                self.killed = True  # the kernel ignored the interrupt (e.g. a loop after an await)
                kill_tree()
                return

    def responsive(self, client):
        """True when the kernel answers a kernel_info request within GRACE seconds."""
        from nbclient.util import run_sync
        try:
            msg_id = client.kc.kernel_info()
            deadline = time.monotonic() + GRACE
            while time.monotonic() < deadline:
                try:
                    msg = run_sync(client.kc.shell_channel.get_msg)(timeout=1)
                except Exception:
                    if not run_sync(client.kc.is_alive)():
                        return False
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True
        except Exception:
            return False
        return False

    # -- execution ----------------------------------------------------------------------------------
    def run_cell(self, client, i, record=True):
        """Executes cell i; returns 'ok', 'error', 'timeout', 'memory', 'flood' or 'died'."""
        from nbclient.exceptions import DeadKernelError
        saved = self.nb.cells[i]
        cell = saved if record else copy.deepcopy(saved)  # a replay keeps the recorded cell as it was
        self.replies.pop(i, None)
        self.stopped.pop(i, None)
        self.output_chars.pop(i, None)
        self.output_count.pop(i, None)
        with self.lock:
            self.cell_cpu0 = tree_usage()[1] if self.alive else 0.0
            self.cell_cpu = 0.0
            self.running = i
        start = time.monotonic()
        status = "ok"
        try:
            for _ in range(ABORT_RETRIES + 1):
                client.execute_cell(cell, i)
                reply = self.replies.get(i, {})
                # tslab cancels requests that arrive within 200 ms after a failed cell (its "stop on
                # error"); wait that out, and send an aborted cell again.
                if reply.get("status") in ("error", "abort"):
                    time.sleep(TSLAB_ERROR_PAUSE)
                if reply.get("status") != "abort":
                    break
            if reply.get("status") == "error":
                status = "timeout" if reply.get("ename") == TIMEOUT_ENAME else "error"
            elif reply.get("status") == "abort":
                status = "error"
                self.replies[i] = {"ename": "Aborted", "evalue": "the kernel refused to run this cell"}
        except DeadKernelError:
            status = "died"
        except Exception as e:  # nbclient itself failed on this cell
            status = "died"
            self.replies[i] = {"ename": type(e).__name__, "evalue": ANSI.sub("", str(e))[:2000]}
        finally:
            with self.lock:
                self.running = None
        wall_timeout = status == "timeout"
        status = self.stopped.get(i) or status
        self.nb.cells[i] = cell if record else saved
        if not record:
            return status
        info = self.cells[i]
        info.update(status=status, seconds=round(time.monotonic() - start, 3), cpu_seconds=round(self.cell_cpu, 2))
        reply = self.replies.get(i, {})
        info["ename"] = "" if reply.get("ename") == TIMEOUT_ENAME else reply.get("ename", "") or ""
        info["evalue"] = "" if reply.get("ename") == TIMEOUT_ENAME else ANSI.sub("", reply.get("evalue", "") or "")[:4000]
        info["stderr"] = ANSI.sub("", "".join(o.get("text", "") for o in cell.get("outputs", [])
                                            if o.get("output_type") == "stream" and o.get("name") == "stderr"))[:4000]
        info["stdout"] = ANSI.sub("", "".join(o.get("text", "") for o in cell.get("outputs", [])
                                            if o.get("output_type") == "stream" and o.get("name") == "stdout"))[-20000:]
        if status == "timeout":
            info["ename"], info["evalue"] = TIMEOUT_ENAME, (
                f"the cell waited longer than {self.args.timeout_wall:g} s and was stopped" if wall_timeout and not self.stopped.get(i)
                else f"the cell used more than {self.args.timeout_cell:g} s of CPU time and was stopped")
        elif status == "memory":
            info["ename"], info["evalue"] = "MemoryLimit", f"the kernel used more than {self.args.memory_mb} MB of memory and was stopped"
        elif status == "flood":
            info["ename"], info["evalue"] = "OutputFlood", (f"the cell printed more than {FLOOD_CHARS // 10**6} million characters "
                                                            f"or {FLOOD_OUTPUTS} outputs and was stopped")
        elif status == "died":
            info["evalue"] = info["evalue"] or "the kernel died while running this cell"
        if status in ("timeout", "memory", "died", "flood"):
            cell.outputs.append(new_output("error", ename=info["ename"] or "KernelDied", evalue=info["evalue"],
                                           traceback=[f"{info['ename'] or 'KernelDied'}: {info['evalue']}"]))
        if i in client.truncated:
            cell.outputs.append(new_output("stream", name="stderr",
                                           text=f"[grader: further output of this cell was dropped (over {MAX_OUTPUTS} outputs or {MAX_OUTPUT_CHARS} characters)]\n"))
        self.save()
        return status

    def start(self):
        client = self.client()
        client.km = client.create_kernel_manager()
        client.km.interrupt_kernel = self.interrupt  # see interrupt(); nbclient calls it on a wall timeout
        client.start_new_kernel(cwd=self.args.cwd)
        client.start_new_kernel_client()
        pid = client.km.provisioner.pid if getattr(client.km, "provisioner", None) else None
        print(f"kernel-pid {pid}", flush=True)
        with self.lock:
            self.alive = True
        self.killed = False
        return client

    def stop(self, client, kill):
        with self.lock:
            self.alive = False
        if kill:
            kill_tree()
        try:
            client._cleanup_kernel()
        except Exception:
            pass
        kill_tree()  # anything the hand-in's code left running, detached or not

    def save(self):
        """Writes RESULT.json (atomically), after every cell: if this runner is killed, what it did so far counts."""
        if not self.args.result:
            return
        data = {"cells": self.cells, "restarts": self.restarts, "error": self.error,
                "seconds": round(time.monotonic() - self.start_time, 3), "peak_rss_mb": round(self.peak_rss / 2**20)}
        tmp = self.args.result + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, self.args.result)

    def run(self):
        n = len(self.nb.cells)
        i = 0
        while i < n:
            client = None
            for attempt in range(2):  # once more after a pause: on a loaded machine a start can fail
                try:
                    client = self.start()
                    break
                except Exception as e:
                    kill_tree()
                    if attempt:
                        self.error = f"the kernel did not start: {type(e).__name__}: {ANSI.sub('', str(e))[:1000]}"
                        return
                    time.sleep(3)
            stop = threading.Event()
            threading.Thread(target=self.watchdog, args=(stop,), daemon=True).start()
            restart = None
            try:
                if self.restarts:  # rebuild the state after a kill
                    for j in range(i):
                        if self.cells[j]["status"] == "ok" and self.run_cell(client, j, record=False) != "ok":
                            self.error = (f"after a kernel restart, cell {j + 1} (which had run without error) "
                                          "failed when run again; the cells after it were not run")
                            return
                while i < n:
                    if self.cells[i]["status"] == "skip":
                        i += 1
                        continue
                    status = self.run_cell(client, i)
                    i += 1
                    if self.killed or status in ("memory", "died"):
                        restart = f"cell {i}: {status}{' (the kernel ignored the interrupt)' if status in ('timeout', 'flood') else ''}"
                        break
                    if status in ("timeout", "flood") and not self.responsive(client):
                        restart = f"cell {i}: {status} (the kernel did not respond after the interrupt)"
                        break
            finally:
                stop.set()
                self.stop(client, kill=bool(restart or self.error))
            if restart:
                if len(self.restarts) >= self.args.max_restarts:
                    self.error = f"the kernel had to be restarted more than {self.args.max_restarts} times; the remaining cells were not run"
                    return
                self.restarts.append(restart)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("result")
    p.add_argument("--cwd", required=True, help="working directory of the kernel")
    p.add_argument("--timeout-cell", type=float, default=600, help="CPU seconds one cell may use")
    p.add_argument("--timeout-wall", type=float, default=None, help="wall seconds one cell may take (default 10x --timeout-cell)")
    p.add_argument("--memory-mb", type=int, default=4096)
    p.add_argument("--kernel", default="aelab-ts")
    p.add_argument("--max-restarts", type=int, default=3)
    args = p.parse_args(argv)
    args.timeout_wall = args.timeout_wall or 10 * args.timeout_cell
    if args.timeout_cell <= 0 or args.timeout_wall <= 0 or args.memory_mb < 1 or args.max_restarts < 0:
        p.error("--timeout-cell, --timeout-wall and --memory-mb must be positive, --max-restarts not negative")
    args.timeout_wall = int(max(1, args.timeout_wall))
    jupyter_env()
    import nbformat
    nb = nbformat.read(args.input, as_version=4)
    runner = Runner(nb, args)
    become_subreaper()
    try:
        runner.run()
    except Exception as e:
        runner.error = f"the runner failed: {type(e).__name__}: {ANSI.sub('', str(e))[:1000]}"
    finally:
        kill_tree()
    runner.save()
    nbformat.write(nb, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
