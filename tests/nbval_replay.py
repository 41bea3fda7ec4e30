"""nbval without a second execution of every chapter: the outputs of a fresh execution the
suite already made, replayed to nbval as a kernel would send them.

The suite's second clean build (tests/book/test_determinism.py) executes every chapter from an
empty execution cache of its own, in this environment, from a copy of these very sources. nbval
(``pytest --nbval``) would execute each chapter once more, one after the other, only to compare
the fresh outputs with the stored ones. :class:`ReplayKernel` stands in for nbval's kernel: for
each cell nbval sends, it checks that the source is the one that was executed and sends back
that execution's outputs as kernel messages. nbval's own code then compares them with the stored
outputs, sanitize file and all, exactly as it compares a live kernel's: a stored output that a
fresh execution no longer gives still fails its cell, and a cell that raised fails (the build
would have stopped, leaving no record: every cell of that notebook then fails, naming the build).

Only the suite's own run does this (tests/conftest.py installs it when the second clean build is
part of the session, unless CLAIMCHECK_NBVAL_LIVE=1); `pytest chapters/x.ipynb`, `make portability`
and CI's portability runs execute live kernels as before.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from queue import Empty, SimpleQueue

_IDS = itertools.count()


def executed_notebooks(cache_dir: Path) -> dict[str, object]:
    """Executed notebook (with outputs) per notebook file name, from a jupyter-cache folder."""
    from jupyter_cache import get_cache

    if not cache_dir.is_dir():
        return {}
    cache = get_cache(cache_dir)
    return {Path(record.uri).name: cache.get_cache_bundle(record.pk).nb for record in cache.list_cache_records()}


class ReplayKernel:
    """The part of nbval's ``RunningKernel`` that ``IPyNbCell.runtest`` uses, answering from an
    executed notebook instead of a kernel process."""

    def __init__(self, executed, source_of: str):
        self.cells = [cell for cell in executed.cells if cell.cell_type == "code"] if executed is not None else None
        self.source_of = source_of
        self.messages: SimpleQueue = SimpleQueue()
        self.position = 0
        self.alive = True

    def is_alive(self) -> bool:
        return self.alive

    def execute_cell_input(self, source: str, allow_stdin: bool = False) -> str:
        msg_id = f"replay-{next(_IDS)}"
        if self.cells is None:
            outputs = [_error(f"no execution of this notebook in {self.source_of} (did that build fail?)")]
        elif self.position >= len(self.cells) or self.cells[self.position].source != source:
            outputs = [_error(f"code cell {self.position} differs from the one {self.source_of} executed")]
        else:
            outputs = self.cells[self.position].outputs
        self.position += 1
        for output in outputs:
            content = {key: value for key, value in output.items() if key != "output_type"}
            self.messages.put({"msg_type": output["output_type"], "content": content,
                               "parent_header": {"msg_id": msg_id}})
        self.messages.put({"msg_type": "status", "content": {"execution_state": "idle"},
                           "parent_header": {"msg_id": msg_id}})
        return msg_id

    def await_reply(self, msg_id, timeout=None):
        return {"content": {"status": "ok"}}

    def await_idle(self, msg_id, timeout=None):
        while True:
            message = self.get_message("iopub")
            if message["msg_type"] == "status" and message["parent_header"]["msg_id"] == msg_id:
                return

    def get_message(self, stream="iopub", timeout=None):
        try:
            return self.messages.get_nowait()
        except Empty:
            raise Empty from None

    def interrupt(self) -> None:
        pass

    def stop(self) -> None:
        self.alive = False


def _error(message: str) -> dict:
    return {"output_type": "error", "ename": "ReplayError", "evalue": message, "traceback": [message]}
