"""Small file helpers shared by the writers: atomic writes, JSON, safe reads, creation time."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import ForecastError


def created_at() -> _dt.datetime:
    """The creation time a written file records: ``SOURCE_DATE_EPOCH`` when set, else now.

    Following the reproducible-builds convention, ``SOURCE_DATE_EPOCH`` (whole seconds since
    1970, UTC) fixes the time stamped into fits, exports, evaluations and reports, so the same
    inputs and seed give byte-identical files.

    Returns
    -------
    datetime.datetime
        Timezone-aware (UTC), whole seconds.

    Raises
    ------
    ForecastError
        If ``SOURCE_DATE_EPOCH`` is set but not a whole number of seconds.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return _dt.datetime.fromtimestamp(int(raw), _dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ForecastError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds since 1970"
            ) from None
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def reproducible() -> bool:
    """Whether ``SOURCE_DATE_EPOCH`` asks for reproducible files (no wall-clock stamps)."""
    return bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())


def _default_modes(directory: Path) -> tuple[int, int]:
    """The modes a new file and a new directory get under the process umask.

    Found by creating a probe file in ``directory``: reading the umask with ``os.umask``
    would change it for every thread for a moment.
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
    with _writable(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(final)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(final), suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if tmp_path.exists():  # mkstemp makes 0600 files: give the usual permissions
            os.chmod(tmp_path, _default_modes(final.parent)[0])
        os.replace(tmp_path, final)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_dir(directory: str | os.PathLike, replaceable: tuple[str, ...]) -> Iterator[Path]:
    """Yield a temporary directory beside ``directory``; rename it onto ``directory`` on success.

    For outputs that are a directory of files (the Parquet and CSV exports).

    Parameters
    ----------
    directory : str or os.PathLike
        The final destination.
    replaceable : tuple of str
        File names a previous output of the same kind holds. An existing destination is
        replaced only when it is empty or holds nothing else: it is moved aside, the new
        directory renamed in, and the old one removed; if the rename fails it is restored.

    Yields
    ------
    pathlib.Path
        The temporary directory. If the block raises, it is removed and the destination is
        untouched.

    Raises
    ------
    ForecastError
        If the destination is a file, or a directory holding other files.
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
    with _writable(Path(directory)):
        final.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(final)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(final), suffix=".tmp", dir=final.parent))
    try:
        os.chmod(tmp, _default_modes(tmp)[1])  # mkdtemp makes it private (0700)
        yield tmp
        if final.exists() and _exchange(tmp, final):
            pass  # swapped in one step: the old output is now at tmp, removed below
        elif final.exists():  # no atomic exchange here: move aside, rename in, restore on error
            old = final.parent / f"{_temp_prefix(final)}{uuid.uuid4().hex}.old"
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


@contextlib.contextmanager
def _writable(final: Path) -> Iterator[None]:
    """Turn a failure to create ``final``'s directory or temporary into one clear error."""
    try:
        yield
    except OSError as e:
        why = e.strerror or type(e).__name__
        if isinstance(e, (FileExistsError, NotADirectoryError)):  # from mkdir(parents=True)
            why = "a parent of it is a file, not a directory"
        raise ForecastError(f"{final}: cannot write here ({why})") from None


def _temp_prefix(final: Path) -> str:
    """Prefix of the temporaries beside ``final``: hidden, naming it and the writing process."""
    return f".{final.name}.{os.getpid()}."


def sweep_leftovers(final: str | os.PathLike) -> list[Path]:
    """Remove the temporaries a killed earlier write left beside ``final``.

    A temporary is ``.<name>.<pid>.<random>.tmp`` (or ``.old``); it is removed when process
    ``pid`` no longer runs, so a concurrent writer's temporaries are left alone.

    Parameters
    ----------
    final : str or os.PathLike
        An output path.

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    final = Path(final)
    removed = []
    if not final.parent.is_dir():
        return removed
    head = f".{final.name}."
    for entry in final.parent.iterdir():
        rest = entry.name[len(head) :] if entry.name.startswith(head) else ""
        pid, _, tail = rest.partition(".")
        if not (pid.isdigit() and tail.endswith((".tmp", ".old"))) or _running(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the call is unavailable (another OS, an old C library, a file system
    without it), and the caller falls back to two renames.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


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


#: Largest text file read whole (case tables, scenarios): the embedded table is about 15 MB.
MAX_TEXT_BYTES = 512_000_000


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
        When the file is missing, a directory or another non-regular file (a FIFO, a
        device), larger than :data:`MAX_TEXT_BYTES`, empty, binary or not UTF-8.
    """
    p = Path(path)
    if not p.exists():
        raise ForecastError(f"{p}: no such {what}")
    if p.is_dir():
        raise ForecastError(f"{p}: is a directory, expected a {what}")
    if not p.is_file():  # a FIFO would hang, /dev/zero would fill memory
        raise ForecastError(f"{p}: not a regular file, expected a {what}")
    size = p.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ForecastError(
            f"{p}: {size / 1e6:.0f} MB, more than the {MAX_TEXT_BYTES / 1e6:.0f} MB a {what} "
            "may have"
        )
    with p.open("rb") as f:
        data = f.read(MAX_TEXT_BYTES + 1)  # the file may have grown since the check
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


def write_json(path: str | os.PathLike, obj: object) -> Path:
    """Write one JSON document (:func:`dumps_json`, with a final newline) atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination.
    obj : object
        What :func:`dumps_json` accepts.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = dumps_json(obj) + "\n"
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _nan_to_none(obj: object) -> object:
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_nan_to_none(v) for v in obj]
    return obj
