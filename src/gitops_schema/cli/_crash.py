"""The last line of defence: an unexpected exception becomes one line and a crash report.

Bad input is a diagnostic everywhere below the CLI; an exception that still reaches the
top is a bug of ours. The user gets one line naming a file that holds the traceback (to
attach to a bug report), never the traceback itself on the terminal, where CI would post
it to a pull request.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import UTC, datetime

from gitops_schema import __version__


def write_crash_report(error: BaseException) -> str | None:
    """Write the traceback of ``error`` to a new file in the temporary folder.

    Returns its path, or None when no file could be written (a full or read-only disk).
    """
    body = "".join(traceback.format_exception(error))
    header = (
        f"gitops-schema {__version__} crashed at {datetime.now(UTC).isoformat()}\n"
        f"python {platform.python_version()} on {platform.platform()}\n"
        f"command: {' '.join(sys.argv)}\n\n"
    )
    try:
        # mkstemp makes the file 0600 under a fresh name, so a shared /tmp cannot trap it.
        handle, path = tempfile.mkstemp(prefix="gitops-schema-crash-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as report:
            report.write(header + body)
    except OSError:
        return None
    return path


def crash_line(error: BaseException, report: str | None) -> str:
    """The one line printed for an unexpected exception."""
    kind = type(error).__name__
    where = f"details in {report}" if report else "no crash report could be written"
    return f"internal error ({kind}); this is a bug in gitops-schema, please report it: {where}"
