"""Atomic directory writes for the exports that are a directory of files (Parquet and CSV).

:func:`_atomic_dir` yields a temporary directory beside the destination and renames it onto
the destination only when the block succeeds. An existing destination is replaced only when it
holds nothing but a previous export of the same format, and only once the new one is
complete; an error leaves no output. (Single files use :func:`forecast._io.atomic_path`.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from ..errors import ForecastError


def _default_modes(directory: Path) -> tuple[int, int]:
    """The modes a new file and a new directory get under the process umask.

    Found by creating a probe file in ``directory`` (reading the umask with ``os.umask``
    would change it for every thread for a moment).
    """
    probe = directory / f".probe-{uuid.uuid4().hex}"
    fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        file_mode = os.fstat(fd).st_mode & 0o777
    finally:
        os.close(fd)
        probe.unlink()
    return file_mode, file_mode | ((file_mode & 0o444) >> 2)


@contextlib.contextmanager
def _atomic_dir(directory: Path, replaceable: tuple[str, ...]) -> Iterator[Path]:
    """Yield a temporary directory beside ``directory``; rename it onto ``directory`` on success.

    An existing destination is replaced only when it is empty or holds nothing but files
    named in ``replaceable`` (a previous export of the same format): it is moved aside, the
    new directory renamed in, and the old one removed; if the rename fails it is restored.
    If the block raises, the temporary directory is removed and the destination untouched.
    """
    final = Path(os.path.abspath(directory))
    if final.exists() and not final.is_dir():
        raise ForecastError(f"{directory}: exists and is not a directory; give a directory")
    if final.is_dir():
        foreign = sorted(
            e.name for e in final.iterdir() if not (e.is_file() and e.name in replaceable)
        )
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ForecastError(
                f"{directory}: exists and holds files that are not from an export of this "
                f"format ({shown}); choose a new or empty directory"
            )
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        os.chmod(tmp, _default_modes(tmp)[1])  # mkdtemp makes it private (0700)
        yield tmp
        if final.exists():
            old = final.parent / f".{final.name}.{uuid.uuid4().hex}.old"
            os.rename(final, old)
            try:
                os.rename(tmp, final)
            except BaseException:
                os.rename(old, final)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
