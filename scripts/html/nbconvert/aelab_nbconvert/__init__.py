"""nbconvert exporter `aelab`: the project's offline HTML page for one notebook.

It hands the notebook, as it is (no execution), to `node scripts/html/export.js --no-execute`,
the same code as `npm run html -- --no-execute`, and returns that page: plots (plotly.js
embedded once), math rendered with KaTeX, nothing loaded from the network, under 8 MB.

JupyterLab lists it under File → Save and Export Notebook As → "Aelab" (JupyterLab labels an
exporter by its capitalized name); on the command line: `jupyter nbconvert --to aelab notebook.ipynb`.

The project checkout is found, in order: $AELAB_REPO (set by `npm start`), the folder holding the
.venv this package is installed in, the folders above the notebook. Node: $AELAB_NODE, else `node`
on PATH.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from nbconvert.exporters import Exporter

__all__ = ["AelabHTMLExporter", "find_repo"]

PACKAGE_NAME = "adversarial-examples-lab"
EXPORT_SCRIPT = os.path.join("scripts", "html", "export.js")


def _is_repo(folder):
    try:
        with open(os.path.join(folder, "package.json"), encoding="utf-8") as f:
            return json.load(f).get("name") == PACKAGE_NAME and os.path.isfile(os.path.join(folder, EXPORT_SCRIPT))
    except (OSError, ValueError):
        return False


def find_repo(notebook_dir=None):
    """The project checkout (see the module docstring), or raise naming how to point at it."""
    candidates = []
    if os.environ.get("AELAB_REPO"):
        candidates.append(os.environ["AELAB_REPO"])
    candidates.append(os.path.dirname(os.path.abspath(sys.prefix)))  # <repo>/.venv → <repo>
    d = os.path.abspath(notebook_dir or os.getcwd())
    while True:
        candidates.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for c in candidates:
        if _is_repo(c):
            return c
    raise RuntimeError(
        "aelab export: cannot find the Adversarial Examples Lab checkout (a folder with its package.json and "
        f"{EXPORT_SCRIPT}); set AELAB_REPO=/path/to/the/checkout, or start Jupyter with `npm start` there."
    )


class AelabHTMLExporter(Exporter):
    """Offline HTML page of the Adversarial Examples Lab (see the module docstring)."""

    export_from_notebook = "Offline HTML (Adversarial Examples Lab)"
    output_mimetype = "text/html"

    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        meta = resources.get("metadata") or {}
        name = meta.get("name") or "notebook"
        repo = find_repo(meta.get("path") or None)
        node = os.environ.get("AELAB_NODE") or shutil.which("node")
        if not node:
            raise RuntimeError("aelab export: `node` is not on PATH; set AELAB_NODE=/path/to/node (Node.js >= 18).")
        import nbformat

        with tempfile.TemporaryDirectory(prefix="aelab-export-") as tmp:
            src_dir, out_dir = os.path.join(tmp, "in"), os.path.join(tmp, "out")
            os.makedirs(src_dir)
            src = os.path.join(src_dir, name + ".ipynb")
            nbformat.write(nb_copy, src)
            label = os.path.abspath(os.path.join(meta["path"], name + ".ipynb")) if meta.get("path") else name + ".ipynb"
            if meta.get("path") and not os.path.relpath(label, repo).startswith(".."):
                label = os.path.relpath(label, repo)  # as `npm run html` names notebooks in the project
            cmd = [node, os.path.join(repo, EXPORT_SCRIPT), "--no-execute", "--out", out_dir, "--source-label", label, src]
            r = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
            page = os.path.join(out_dir, name + ".html")
            if not os.path.isfile(page):
                raise RuntimeError(f"aelab export failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
            if r.returncode != 0:  # a page was written but failed a check (size, network, an error cell)
                self.log.warning("aelab export: %s", r.stderr.strip()[-3000:])
            with open(page, encoding="utf-8") as f:
                html = f.read()
        resources["output_extension"] = ".html"
        return html, resources
