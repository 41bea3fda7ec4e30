"""Sphinx extension: notebooks that are not in the execution cache run in parallel, one kernel per
core, before Sphinx reads them (:mod:`claimcheck.build.preexecute` does the work; this module only
connects it). Switched off, myst-nb executes them one after the other as it reads them.

Config value ``claimcheck_execution_workers``: 0 = one notebook per core; 1 = leave all
execution to myst-nb (as does the environment variable ``CLAIMCHECK_EXECUTION_WORKERS=1``).
Config value ``claimcheck_warm_kernels``: True = kernels are forked from a process that has
imported the scientific stack once (:mod:`claimcheck.build.warm_kernels`); False = every kernel
starts fresh (as does ``CLAIMCHECK_WARM_KERNELS=0``).
"""

from __future__ import annotations


def setup(app):
    from claimcheck.build import preexecute

    app.add_config_value("claimcheck_execution_workers", 0, "")
    app.add_config_value("claimcheck_warm_kernels", True, "")
    app.connect("env-before-read-docs", preexecute.start)
    app.connect("source-read", preexecute.collect)
    app.connect("build-finished", preexecute.finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
