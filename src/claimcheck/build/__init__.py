"""The build layer: Sphinx extensions, one per concern, each listed (and so switchable) under
``sphinx.extra_extensions`` in _config.yml, and the machinery they call.

Extensions: input_checks, validation, output_cleanup, incremental, parallel_execution, performance, assets,
self_contained, mathml, asset_timing, register_export, register_directive, cite_page, a11y,
rerun_page, published_files, reader, glossary_links, paper_edition, page_meta.
Machinery: overrides (every override of another package's internals, version-guarded),
invalidation (data-aware cache invalidation), preexecute (parallel notebook execution) with mystnb_internals (its version-guarded
calls into myst-nb and jupyter-cache) and warm_kernels (kernels forked from kernel_zygote, a process
that imported the scientific stack once),
nbval_figures (a pytest plugin).
"""
