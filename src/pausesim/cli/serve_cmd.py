"""``pausesim serve``: the web playground (a FastAPI app) on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from pausesim.cli.app import BackendOpt, _check_backend, _fail, app, err_console


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. The default serves this machine only; 0.0.0.0 opens "
            "the playground to your network (it has no login).",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")
    ] = 8000,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in a web browser.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", min=1.0, max=3600.0, help="Seconds a request may take before it gets 504."
        ),
    ] = 30.0,
    processes: Annotated[
        int,
        typer.Option(
            "--processes",
            min=0,
            max=8,
            help="Worker processes that simulate a comparison's two runs at the same time "
            "(0: in the server process; 2 suits a two-core machine).",
        ),
    ] = 2,
    backend: BackendOpt = "numpy",
) -> None:
    """Start the web playground: presets, sliders, live charts, shareable links, downloads.

    The page and its JSON API (schema at /docs) run on HOST:PORT; stop with Ctrl+C.
    """
    try:
        import uvicorn

        from pausesim.web.app import create_app
    except ImportError as err:
        _fail(f"the playground needs the web extra: pip install 'pausesim[web]' ({err})")
    import socket

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        _fail(f"--host {host} --port {port}: cannot listen there ({err.strerror})")
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    _check_backend(backend)
    # (starts the worker processes; with --backend jax they build its programs first)
    web_app = create_app(timeout=timeout, processes=processes, backend=backend)
    sock.listen(128)
    err_console.print(
        f"pausesim playground on [bold]{url}[/] (API schema: {url}docs); Ctrl+C stops it",
        highlight=False,
    )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    server = uvicorn.Server(uvicorn.Config(web_app, log_level="warning"))
    server.run(sockets=[sock])
