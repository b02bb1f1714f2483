"""Executes every notebook in notebooks/ headless through the Deno Jupyter kernel (nbclient).

  python tests/run_notebooks.py --check          run all, fail on any cell error (the test command)
  python tests/run_notebooks.py --out DIR        also write the executed notebooks to DIR
  python tests/run_notebooks.py NAME ...         only these notebooks (file names or stems)

The dataset comes from the RECSYS_DATASET environment variable, read by lib/notebook/.
The committed notebooks are never modified.
"""

import argparse
import pathlib
import queue
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async

ROOT = pathlib.Path(__file__).resolve().parent.parent


class DrainingClient(NotebookClient):
    """The Deno kernel may report "idle" before the last outputs of a cell reach iopub; nbclient
    stops reading at idle and would drop them. This client keeps reading the cell's messages until
    none has arrived for `grace_seconds` after idle."""

    grace_seconds = 0.3

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        idle = False
        while True:
            try:
                timeout = self.grace_seconds if idle else None
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=timeout))
            except queue.Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*")
    parser.add_argument("--check", action="store_true", help="exit non-zero on any failure")
    parser.add_argument("--out", type=pathlib.Path, help="write executed notebooks here")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    args = parser.parse_args()

    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.names:
        wanted = {pathlib.Path(n).stem for n in args.names}
        paths = [p for p in paths if p.stem in wanted]
    if not paths:
        print("no notebooks to run")
        return 1 if args.check else 0

    failures = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        client = DrainingClient(
            nb,
            timeout=args.timeout,
            kernel_name="deno",
            resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as error:
            failures += 1
            status = "FAILED"
            print(str(error)[-4000:], file=sys.stderr)
        except Exception as error:  # kernel died, timeout
            failures += 1
            status = "FAILED"
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
        seconds = time.perf_counter() - started
        print(f"{status:6} {path.name} ({seconds:.1f} s)", flush=True)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, args.out / path.name)
    print(f"notebooks: {len(paths) - failures} passed, {failures} failed")
    return 1 if (failures and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
