"""Small file helpers shared by the writers: atomic writes and safe reads."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import ForecastError


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    Parameters
    ----------
    path : str or os.PathLike
        The final destination. Its directory is created if needed.

    Yields
    ------
    pathlib.Path
        A temporary file name in the same directory (same file system, so the rename is
        atomic). If the block raises, the temporary file is removed and ``path`` is untouched.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if tmp_path.exists():  # mkstemp makes 0600 files: give the usual permissions
            os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, final)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp)`` and move ``tmp`` onto ``path`` only if it succeeds.

    Parameters
    ----------
    path : str or os.PathLike
        The final destination.
    writer : callable
        Called with a temporary path; it must write the whole file there.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)


def read_text(path: str | os.PathLike, what: str = "file") -> str:
    """Read a UTF-8 text file, refusing missing, empty or binary files with one clear line.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    what : str, default "file"
        What the file should be, used in the error messages ("case table", "scenario").

    Returns
    -------
    str
        The text with line endings normalised to ``\\n`` (CR and CRLF files are accepted).

    Raises
    ------
    ForecastError
        When the file is missing, a directory, empty, binary or not UTF-8.
    """
    p = Path(path)
    if not p.exists():
        raise ForecastError(f"{p}: no such {what}")
    if p.is_dir():
        raise ForecastError(f"{p}: is a directory, expected a {what}")
    data = p.read_bytes()
    if not data.strip():
        raise ForecastError(f"{p}: the {what} is empty")
    if b"\x00" in data[:8192]:
        raise ForecastError(f"{p}: is a binary file, expected a {what} (UTF-8 text)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ForecastError(
            f"{p}: is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
            f"expected a {what}"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def dumps_json(obj: object) -> str:
    """Return one JSON document (indented), the only JSON writer of ``forecast``.

    NaN (for example a rate over an empty group) is written as ``null``; infinities are
    refused, so every document is standard JSON that any reader accepts.

    Parameters
    ----------
    obj : object
        Dicts, lists, tuples, strings, numbers, booleans and None.

    Returns
    -------
    str
        The JSON text, without a final newline.
    """
    return json.dumps(_nan_to_none(obj), indent=2, sort_keys=False, allow_nan=False)


def _nan_to_none(obj: object) -> object:
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_nan_to_none(v) for v in obj]
    return obj
