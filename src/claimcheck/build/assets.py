"""Sphinx extension: the book's own stylesheet, scripts, icon and theme templates.

* ``static/`` (claimcheck.css, reader.js, icons.js, the icon-font subset, favicon.svg) is a
  static folder of the HTML output; claimcheck.css is on every page.
* ``templates/`` is searched before the theme's own templates: the book's fixes to theme
  components (named buttons, the small icon script instead of the theme's 1.5 MB one; see the
  comment at the top of each file).
* The book has an icon: without one, every browser asks for /favicon.ico and logs a failed
  request on every page.
* A change to any of these files rewrites every page (config value
  ``claimcheck_assets_fingerprint``, an "html" rebuild: they are rewritten and copied, not re-read).
"""

from __future__ import annotations

import hashlib

from claimcheck import paths


def assets_fingerprint() -> str:
    digest = hashlib.sha256()
    here = paths.PACKAGE_DIR
    for path in sorted([*paths.STATIC_DIR.glob("**/*"), *paths.TEMPLATES_DIR.glob("**/*")]):
        if path.is_file():
            digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def add_templates_and_icon(app, config):
    config.templates_path.insert(0, str(paths.TEMPLATES_DIR))
    if not config.html_favicon:
        config.html_favicon = str(paths.STATIC_DIR / "favicon.svg")


def add_static(app):
    if str(paths.STATIC_DIR) not in app.config.html_static_path:
        app.config.html_static_path.append(str(paths.STATIC_DIR))


def setup(app):
    app.add_config_value("claimcheck_assets_fingerprint", assets_fingerprint(), "html")
    app.connect("config-inited", add_templates_and_icon)
    app.connect("builder-inited", add_static)
    app.add_css_file("claimcheck.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
