"""Write a file all at once or not at all, and never over a file the user did not give up.

Every file retention-xl writes (the report, the template, the add-in, the Lite bundle)
goes through :func:`write_atomically`: the content is written to a temporary file in the
same folder and renamed over the target only when complete, so a failure half-way leaves
the old file (or none), never a broken one. The new file gets the permissions a normal
file gets (the user's umask), not the private ones of a temporary file.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomically(folder / "a.txt", lambda f: f.write(b"hi")).read_bytes()
b'hi'
>>> write_atomically(folder / "a.txt", lambda f: f.write(b"again"))
Traceback (most recent call last):
...
retention_xl.errors.OutputExists: ... already exists
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from retention_xl.errors import (
    DataError,
    OutputExists,
    OutputInsideInput,
    OutputIsInput,
)

__all__ = ["check_target", "refuse_folder", "write_atomically"]


def write_atomically(path: str | Path, write: Callable[[BinaryIO], object], *, force: bool = False) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, then rename it to ``path``.

    Parameters
    ----------
    path : str or pathlib.Path
    write : callable
        Writes the whole content to the binary handle it is given.
    force : bool
        Replace ``path`` if it exists; otherwise an existing file is an error, checked
        before writing and again just before the rename.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputExists
        ``path`` exists and ``force`` is false.
    DataError
        The folder does not exist, or the file cannot be replaced (open in Excel).
    """
    path = check_target(path, force=force)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # a normal file, not mkstemp's private one
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails instead of replacing a file that appeared meanwhile
            except FileExistsError:
                raise OutputExists(path) from None
            except OSError:  # a file system without hard links
                if path.exists():
                    raise OutputExists(path) from None
                os.replace(tmp, path)
    except PermissionError as error:  # Excel keeps the files it has open locked
        raise DataError(f"cannot write {path} ({error.strerror}): if it is open (in Excel), close it "
                        "and try again") from error
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def check_target(path: str | Path, *, force: bool = False, inputs: Iterable[object] = (),
                 option: str | None = None) -> Path:
    """What :func:`write_atomically` checks before it writes, for a caller with a long job
    before the writing (a report on millions of rows) to check first; ``inputs`` are the
    files, Parquet folders and globs the job reads (other values, such as tables in memory
    or URLs, are passed over); ``option`` names the output for the error (``"output"``,
    ``"ics"``: :attr:`OutputExists.option <retention_xl.errors.OutputExists>`).

    Raises
    ------
    OutputIsInput
        ``path`` is one of ``inputs`` (the same file, by any name), whatever ``force`` says.
    OutputInsideInput
        ``path`` is inside a folder, or matches a glob, of ``inputs`` that would read it as
        data the next time (a Parquet file in a Parquet folder), whatever ``force`` says.
    OutputExists
        ``path`` exists and ``force`` is false.
    DataError
        The folder does not exist, or ``path`` is a folder.
    """
    path = Path(path).expanduser()  # "~/report.xlsx", as pandas' writers take it
    for given in inputs:
        if _same_file(path, given):
            raise OutputIsInput(path, given)
        if _folder_or_glob(given):
            from retention_xl.sources.datasets import (
                would_read,  # pyarrow: only for a dataset read
            )

            if would_read(given, path):
                raise OutputInsideInput(path, given)
    refuse_folder(path, "report.xlsx")
    if path.exists() and not force:
        raise OutputExists(path, option)
    if not path.parent.is_dir():
        raise DataError(f"folder {path.parent} does not exist")
    return path


def refuse_folder(path: str | Path, example: str) -> None:
    """A :class:`~retention_xl.errors.DataError` when ``path`` names a folder (``""``, ``.``,
    ``/``, an existing folder) rather than a file to write; ``example`` is a file name to
    suggest in it."""
    path = Path(path).expanduser()
    if not path.name or path.is_dir():
        what = "no file name given (only the current folder)" if str(path) == "." else f"{path} is a folder"
        raise DataError(f"{what}: name the file to write, e.g. {path / example}")


def _folder_or_glob(given: object) -> bool:
    """Whether ``given`` (a path read, or anything else) is a folder or a glob pattern."""
    if not isinstance(given, (str, os.PathLike)) or "://" in str(given):
        return False
    try:
        return any(ch in str(given) for ch in "*?[") or Path(given).is_dir()
    except (OSError, ValueError):
        return False


def _same_file(path: Path, given: object) -> bool:
    """Whether ``given`` (a path read, or anything else) is the file ``path``: by name, or
    by a link, another spelling of the folder, or a case-insensitive file system."""
    if not isinstance(given, (str, os.PathLike)) or "://" in str(given):
        return False
    try:
        return path.exists() and Path(given).is_file() and os.path.samefile(path, given)
    except (OSError, ValueError):  # a name the system cannot even look up is not the output
        return False
