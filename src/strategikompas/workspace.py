"""Where the tool reads its data and writes its results.

A workspace is a folder with ``data/linksamling.csv``, ``corpus/`` and the results the
tool writes (``results/``). The default is the current folder when it holds a
workspace, otherwise the bundled one (shipped inside the package, or the source
checkout). Results for the bundled workspace go to the user's cache folder: the
tool never writes into the installed package."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, os_problem

ENV_VAR = "STRATEGIKOMPAS_WORKSPACE"
LINKSAMLING = Path("data/linksamling.csv")
CODEBOOK = Path("data/fokusomraader.toml")
MANIFEST = Path("corpus/manifest.csv")
ANNOTATIONS = Path("data/annotations")


def is_workspace(folder: Path) -> bool:
    return (folder / LINKSAMLING).is_file() or (folder / MANIFEST).is_file()


def bundled_root() -> Path:
    """The workspace shipped with the tool: inside an installed wheel
    (``strategikompas/bundled``) or, for a source checkout, the checkout itself."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "bundled", package.parents[1]):
        if (candidate / LINKSAMLING).is_file() and (candidate / MANIFEST).is_file():
            return candidate
    raise InputError(f"Den medfølgende arbejdsmappe mangler i {package}; geninstaller strategikompas.")


@dataclass(frozen=True)
class Workspace:
    root: Path
    results: Path
    bundled: bool = False

    @property
    def linksamling_path(self) -> Path:
        return self.root / LINKSAMLING

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def codebook_path(self) -> Path:
        """The workspace's own codebook, or the bundled one when it has none."""
        own = self.root / CODEBOOK
        return own if own.is_file() else bundled_root() / CODEBOOK

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def annotations_dir(self) -> Path:
        """The annotated set the classifier is trained on: the workspace's own, else the bundled one."""
        own = self.root / ANNOTATIONS
        return own if (own / "gold.jsonl").is_file() else bundled_root() / ANNOTATIONS

    def results_dir(self) -> Path:
        self.results.mkdir(parents=True, exist_ok=True)
        return self.results

    @property
    def models_dir(self) -> Path:
        """Where the trained classifier is saved (``classifier.load_or_train``)."""
        return self.results / "models"

    @property
    def store_path(self) -> Path:
        return self.results / "strategikompas.sqlite"


def _cache_results(root: Path) -> Path:
    import platformdirs

    tag = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return Path(platformdirs.user_cache_dir("strategikompas")) / f"bundled-{tag}"


def open_workspace(path: Path | str | None = None, cwd: Path | None = None) -> Workspace:
    """Resolve the workspace: ``path`` (--workspace), then $STRATEGIKOMPAS_WORKSPACE,
    then the current folder if it is one, then the bundled workspace."""
    chosen = path or os.environ.get(ENV_VAR) or None
    if chosen:
        root = Path(chosen).expanduser().resolve()
        if not root.is_dir():
            raise InputError(f"Arbejdsmappen {root} findes ikke; opret den med 'strategikompas init {chosen}'.")
        if not is_workspace(root):
            raise InputError(f"{root} er ikke en arbejdsmappe (ingen {LINKSAMLING} eller {MANIFEST}); opret en med 'strategikompas init DIR'.")
        return _workspace_at(root)
    here = (cwd or Path.cwd()).resolve()
    if is_workspace(here):
        return _workspace_at(here)
    return _workspace_at(bundled_root())


def _workspace_at(root: Path) -> Workspace:
    """Results inside the workspace, unless it is the package's own data (read-only)."""
    package = Path(__file__).resolve().parent
    if root == package / "bundled" or not os.access(root, os.W_OK):
        return Workspace(root=root, results=_cache_results(root), bundled=True)
    return Workspace(root=root, results=root / "results")


def init_workspace(target: Path) -> Workspace:
    """Create a new workspace holding a copy of the bundled link collection, codebook and corpus."""
    target = Path(target).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise InputError(f"{target} er ikke tom; vælg en ny eller tom mappe til arbejdsmappen.")
    source = bundled_root()
    staging = target.with_name(f".{target.name}.init-tmp")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(source / "data", staging / "data", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(source / "corpus", staging / "corpus", ignore=shutil.ignore_patterns("__pycache__", ".*.tmp"))
        (staging / ".gitignore").write_text("results/\n", encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"Kan ikke oprette arbejdsmappen {target}: {os_problem(exc)}.") from exc
    return _workspace_at(target)
