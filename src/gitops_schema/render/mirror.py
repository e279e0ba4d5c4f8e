"""A tree of symlinks that reads like a source tree but owns one folder of it.

Flux writes its kustomization file into the folder it builds, in its own copy of the
source. Here the copy is a tree of symlinks to the real entries, with real folders only
along the path to the folder built, so ``../`` references resolve as in the source and
the folder's kustomization file can be replaced without touching the repository.
"""

from __future__ import annotations

from pathlib import Path

from gitops_schema.render.inputs import KUSTOMIZATION_FILES

__all__ = ["mirror"]


def mirror(root: Path, folder: Path, into: Path) -> Path:
    """Mirror ``root`` at ``into/source``: the mirrored ``folder``, with no kustomization file.

    The caller writes the folder's kustomization file.
    """
    target = into / "source"
    relative = folder.relative_to(root).parts
    real, copy = root, target
    for depth in range(len(relative) + 1):
        copy.mkdir(parents=True)
        skip = relative[depth] if depth < len(relative) else None
        for entry in real.iterdir():
            if entry.name == skip or (skip is None and entry.name in KUSTOMIZATION_FILES):
                continue
            (copy / entry.name).symlink_to(entry)
        if skip is None:
            break
        real, copy = real / skip, copy / skip
    return copy
