"""The web playground: a FastAPI JSON API and one static page (``pausesim serve``).

Needs the ``web`` extra (``pip install 'pausesim[web]'``). The core never imports this package.
"""

from __future__ import annotations


def create_app(*args, **kwargs):
    """The FastAPI app (:func:`pausesim.web.app.create_app`)."""
    from pausesim.web.app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
