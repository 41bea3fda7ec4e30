"""nbval over chapters/ under each BLAS/SIMD set-up a re-runner's machine may have.

    make portability          # or: .venv/bin/python .ci/nbval_portability.py [--jobs 2]

The stored outputs were made on one machine; the last digits of a float depend on the BLAS
kernel OpenBLAS picks (``OPENBLAS_CORETYPE``, ``OPENBLAS_L2_SIZE``) and on the SIMD code paths
numpy dispatches to (AVX-512 or not). The book's glue helper and the nbval sanitize file cut
those digits; this script proves it by running nbval in strict mode over every chapter:

1. with the environment as this machine sets it;
2. with both OpenBLAS variables unset;
3. with ``OPENBLAS_CORETYPE=Haswell`` when this machine sets neither (a machine that pins it);
4. with numpy's AVX-512 paths disabled (``NPY_DISABLE_CPU_FEATURES``), limited to the names
   this numpy can dispatch on this CPU (numpy rejects or ignores others, depending on version).

Each run reports the OpenBLAS core actually loaded and which numpy features were off. Exit
status 0 only if every run passed. CI runs it after the test suite (.ci/run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
AVX512_FEATURES = ("X86_V4", "AVX512_ICL")  # numpy 2.x names; 1.x dispatches on AVX512_SKX etc.
EMULATED_CORE = "Haswell"  # an OpenBLAS core type every x86-64 CPU with AVX2 can run

PROBE = """
import json
try:
    from numpy._core._multiarray_umath import __cpu_features__, __cpu_dispatch__
except ImportError:  # numpy 1.x
    from numpy.core._multiarray_umath import __cpu_features__, __cpu_dispatch__
print(json.dumps({"features": __cpu_features__, "dispatch": list(__cpu_dispatch__)}))
"""


def probe(env: dict) -> dict:
    """numpy's CPU features and the OpenBLAS core(s) loaded under ``env``."""
    result = subprocess.run([sys.executable, "-c", PROBE], env={**env, "OPENBLAS_VERBOSE": "2"},
                            capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": result.stderr.strip()[-500:]}
    info = json.loads(result.stdout)
    info["cores"] = sorted({line.split(":", 1)[1].strip() for line in result.stderr.splitlines()
                            if line.startswith("Core:")})
    info["warnings"] = [line for line in result.stderr.splitlines() if line and not line.startswith("Core:")]
    return info


def setups() -> list[tuple[str, dict, str]]:
    """(name, environment, note) of each run."""
    base = dict(os.environ)
    base.pop("NPY_DISABLE_CPU_FEATURES", None)
    unset = {k: v for k, v in base.items() if k not in OPENBLAS_VARIABLES}
    machine = {k: base[k] for k in OPENBLAS_VARIABLES if k in base}
    runs = [("as this machine sets them", base,
             ", ".join(f"{k}={v}" for k, v in machine.items()) or "neither OpenBLAS variable is set here"),
            ("OpenBLAS variables unset", unset, "")]
    features = probe(base)
    if not machine and features.get("features", {}).get("AVX2"):
        runs.append((f"OPENBLAS_CORETYPE={EMULATED_CORE}", {**base, "OPENBLAS_CORETYPE": EMULATED_CORE},
                     "emulates a machine that pins the core type"))
    available = [f for f in AVX512_FEATURES
                 if f in features.get("dispatch", []) and features.get("features", {}).get(f)]
    if available:
        runs.append(("numpy AVX-512 paths disabled", {**base, "NPY_DISABLE_CPU_FEATURES": ",".join(available)},
                     f"NPY_DISABLE_CPU_FEATURES={','.join(available)}"))
    else:
        runs.append(("numpy AVX-512 paths disabled", {}, "not applicable: this CPU or numpy dispatches none of "
                     + ", ".join(AVX512_FEATURES)))
    return runs


def run_nbval(name: str, env: dict, note: str) -> dict:
    if not env:
        return {"name": name, "note": note, "status": "skipped", "closing": ""}
    info = probe(env)
    disabled = env.get("NPY_DISABLE_CPU_FEATURES", "")
    still_on = [f for f in disabled.split(",") if f and info.get("features", {}).get(f)]
    command = [sys.executable, "-m", "pytest", "chapters", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, errors="replace")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    closing = lines[-1].strip("= ") if lines else result.stderr.strip()[-300:]
    ok = result.returncode == 0 and not still_on and "error" not in info
    return {"name": name, "note": note, "status": "passed" if ok else "FAILED", "closing": closing,
            "openblas": ", ".join(info.get("cores", [])) or "?", "still_on": still_on,
            "log": "" if ok else result.stdout[-4000:] + info.get("error", "")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="runs side by side (default 2: one per core)")
    args = parser.parse_args(argv)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda setup: run_nbval(*setup), setups()))
    for r in results:
        detail = f" [{r['note']}]" if r["note"] else ""
        core = f"; OpenBLAS core {r['openblas']}" if r.get("openblas") else ""
        print(f"{r['status']}: {r['name']}{detail}{core}: {r['closing']}")
        if r.get("still_on"):
            print(f"  numpy ignored NPY_DISABLE_CPU_FEATURES for {', '.join(r['still_on'])}")
        if r.get("log"):
            print(r["log"])
    return 0 if all(r["status"] != "FAILED" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
