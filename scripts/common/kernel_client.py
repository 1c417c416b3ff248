"""What the two Python runners share (scripts/notebooks/run_notebooks.py, nbclient, and
scripts/coursework/grade_run.py, the grader's kernel client): where the project is, its Jupyter
environment, how kernel text is cleaned for people to read, and one import they both skip.

Both runners import it with `sys.path.insert(0, <scripts/common>)`; it needs only the standard library.
"""
import os
import re
import sys

# jsonschema (which nbformat imports) loads rfc3987_syntax whenever it is installed (JupyterLab's
# jupyter-events brings it into .venv/), and that module builds a lark grammar at import: 1.4 of the
# 2.2 s it took a runner to import nbformat and nbclient, paid once per notebook run. It serves only
# the "iri" formats of jsonschema's format checker, which nbformat's schemas never use, so the runners
# make it unimportable (jsonschema then leaves those two formats unchecked).
sys.modules.setdefault("rfc3987_syntax", None)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # terminal colour codes (tslab colours its errors)


def jupyter_env():
    """Points Jupyter at <repo>/.jupyter (the layout of scripts/env/paths.js) unless already set."""
    base = os.path.join(REPO, ".jupyter")
    os.environ.setdefault("JUPYTER_PATH", base)
    os.environ.setdefault("JUPYTER_CONFIG_DIR", os.path.join(base, "config"))
    os.environ.setdefault("JUPYTER_DATA_DIR", os.path.join(base, "data"))
    os.environ.setdefault("JUPYTER_RUNTIME_DIR", os.path.join(base, "runtime"))
