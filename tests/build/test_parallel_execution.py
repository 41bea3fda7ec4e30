"""Pre-execution is wired to the events it needs (claimcheck.build.parallel_execution; what it does:
claimcheck.build.preexecute)."""

from __future__ import annotations

from types import SimpleNamespace

from claimcheck.build import parallel_execution, preexecute


def test_setup_connects_preexecution_and_its_setting():
    connected, values = [], {}
    app = SimpleNamespace(connect=lambda event, handler, priority=500: connected.append((event, handler)),
                          add_config_value=lambda name, default, rebuild: values.update({name: default}))
    metadata = parallel_execution.setup(app)
    assert connected == [("env-before-read-docs", preexecute.start), ("source-read", preexecute.collect),
                         ("build-finished", preexecute.finish)]
    assert values == {"claimcheck_execution_workers": 0, "claimcheck_warm_kernels": True}
    assert metadata == {"parallel_read_safe": True, "parallel_write_safe": True}
