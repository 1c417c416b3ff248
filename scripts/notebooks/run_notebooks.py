#!/usr/bin/python3
"""Executes notebooks top to bottom with the project kernel and reports which ones fail.

Usually run through `npm run test:notebooks` (scripts/notebooks/run.js), which sets up the
Jupyter environment; run directly with /usr/bin/python3 it sets the same environment itself.

Each notebook runs with its own folder as working directory. The executed copy, outputs and any
error included, is written to out/executed/<name>.ipynb; the source notebook is never modified.
Exit status: 0 if every notebook ran without a cell error, 1 otherwise, 2 for bad arguments.
Once notebooks have run, the last line printed is the summary "N passed, M failed".
"""
import argparse
import concurrent.futures
import glob
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from kernel_client import ANSI, REPO, jupyter_env  # noqa: E402  (shared with the other runner)
# Stack frames inside node, tslab or tslab's generated code say nothing about the notebook.
NOISE = re.compile(r"^\s+at .*(\(node:|/tslab/dist/|evalmachine\.)")


def describe_error(nb, err):
    """Names the failing cell (1-based, with its first source line) and what the kernel said.

    nbclient runs cells in order and stops at the failing one, so it is the last cell with an
    execution count. tslab reports TypeScript compile errors on stderr, runtime errors as an error
    output; both are shown.
    """
    ran = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count") is not None]
    if not ran:
        return ANSI.sub("", str(err)).strip()[-2000:] or type(err).__name__
    i = ran[-1]
    cell = nb.cells[i]
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            texts.append("\n".join(out.get("traceback") or []) or f"{out.get('ename')}: {out.get('evalue')}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            texts.append(out.get("text", ""))
    if not texts:
        texts.append(f"{getattr(err, 'ename', '')}: {getattr(err, 'evalue', '')}")
    lines = [l for l in ANSI.sub("", "\n".join(texts)).strip().splitlines() if not NOISE.match(l)]
    if len(lines) > 25:
        lines = lines[:25] + [f"... ({len(lines) - 25} more lines in the executed copy)"]
    first = next((l for l in cell.source.splitlines() if l.strip()), "")
    return f"cell {i + 1} ({first.strip()[:70]}):\n" + "\n".join("        " + l for l in lines)


def run_one(path, kernel, timeout, out_dir):
    """Executes one notebook; returns (path, ok, seconds, message, executed copy path)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    jupyter_env()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=timeout, startup_timeout=120,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    start = time.monotonic()
    ok, message = True, ""
    try:
        client.execute()
    except CellTimeoutError as e:
        ok, message = False, f"a cell ran longer than the {timeout} s timeout (--timeout to change): {str(e).splitlines()[0]}"
    except CellExecutionError as e:
        ok, message = False, describe_error(nb, e)
    except Exception as e:  # kernel failed to start, died, etc.
        ok, message = False, f"{type(e).__name__}: {ANSI.sub('', str(e)).strip()[:2000]}"
    seconds = time.monotonic() - start
    os.makedirs(out_dir, exist_ok=True)
    dest = os.path.join(out_dir, os.path.basename(path))
    nbformat.write(nb, dest)
    return path, ok, seconds, message, dest


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    p.add_argument("--timeout", type=int, default=900, help="seconds a single cell may run (default 900)")
    p.add_argument("--kernel", default="aelab-ts", help="kernel name (default aelab-ts)")
    p.add_argument("--out", default=os.path.join(REPO, "out", "executed"), help="folder for executed copies")
    p.add_argument("--jobs", type=int, default=1, help="notebooks to run at once (default 1)")
    args = p.parse_args(argv)
    if args.timeout < 1 or args.jobs < 1:
        p.error("--timeout and --jobs must be positive integers")

    paths = args.notebooks or sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb")))
    missing = [x for x in paths if not os.path.isfile(x) or not x.endswith(".ipynb")]
    if missing:
        p.error(f"not a notebook file: {', '.join(missing)} (expected existing .ipynb paths)")
    names = [os.path.basename(x) for x in paths]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        p.error(f"two notebooks named {', '.join(dupes)} would overwrite each other in {args.out}")
    try:
        import nbclient  # noqa: F401
    except ImportError:
        print(f"run_notebooks: {sys.executable} cannot import nbclient; install python3-nbclient "
              "(Debian) or `pip install nbclient`.", file=sys.stderr)
        return 2

    print(f"Running {len(paths)} notebook(s) with kernel {args.kernel}, cell timeout {args.timeout} s, "
          f"{args.jobs} at a time; executed copies in {os.path.relpath(args.out)}/", flush=True)
    results = []

    def report(r):
        path, ok, seconds, message, dest = r
        print(f"{'PASS' if ok else 'FAIL'}  {os.path.relpath(path)}  {seconds:.1f} s", flush=True)
        if not ok:
            print(f"      {message}\n      executed copy: {os.path.relpath(dest)}", flush=True)
        results.append(r)

    if args.jobs == 1:
        for path in paths:
            report(run_one(path, args.kernel, args.timeout, args.out))
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, x, args.kernel, args.timeout, args.out) for x in paths]
            for f in concurrent.futures.as_completed(futures):
                report(f.result())

    failed = sum(1 for r in results if not r[1])
    print(f"{len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
