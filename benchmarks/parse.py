"""`manage.py benchmark parse`: time to parse one hostile feed item of N nested <div>s, bounded vs not.

The document is an RSS item whose description holds N nested `<div>`s in CDATA (0.55 MB at N=50,000, 2.2 MB
at N=200,000, both under the body cap). **Ours** is `parse_feed` as it runs in ingest. The **naive**
baseline is the same `parse_feed` with bounding switched off (as before bounds.py), run in a
child process that is killed at `--naive-limit` seconds, since unbounded it can run for many minutes.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from argparse import ArgumentParser
from multiprocessing.connection import Connection
from typing import Any

from curator.feeds.parse import parse_feed


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--divs", type=int, nargs="+", default=[50_000, 200_000], help="nesting depths to time")
    parser.add_argument("--form", choices=["cdata", "escaped", "raw"], default="cdata", help="how the HTML is embedded")
    parser.add_argument("--naive-limit", type=float, default=75.0, help="seconds before the naive run is stopped")


def deep_divs(count: int, form: str = "cdata") -> bytes:
    html = "<div>" * count + "deep text" + "</div>" * count
    body = {"cdata": f"<![CDATA[{html}]]>", "escaped": html.replace("<", "&lt;").replace(">", "&gt;"), "raw": html}
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title><link>https://deep.example/</link>'
        "<item><title>Nested</title><link>https://deep.example/nested</link><guid>nested-1</guid>"
        f"<description>{body[form]}</description></item></channel></rss>"
    ).encode()


def _parse_unbounded(data: bytes, reply: Connection) -> None:
    from curator.feeds import parse

    parse.bound_document = lambda parsed: []  # the parser as it was before bounding existed
    started = time.monotonic()
    parse.parse_feed(data, "https://deep.example/feed")
    reply.send(time.monotonic() - started)


def time_unbounded(data: bytes, limit: float) -> tuple[float | None, float]:
    """(seconds the unbounded parser needed, or None when still running at `limit`; CPU seconds the
    child used, start-up included). CPU time tells a busy shared machine from a slow parser."""
    context = multiprocessing.get_context("spawn")
    receive, reply = context.Pipe(duplex=False)
    process = context.Process(target=_parse_unbounded, args=(data, reply), daemon=True)
    cpu_before = _children_cpu()
    process.start()
    reply.close()
    # The limit counts from the start of the process: start-up is a second or two at most.
    elapsed = receive.recv() if receive.poll(limit) else None
    process.kill()
    process.join()
    return elapsed, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(stdout: Any = None, **options: Any) -> dict:
    figures: dict[str, Any] = {"form": options.get("form", "cdata"), "naive_limit_s": options.get("naive_limit", 75.0)}
    for count in options.get("divs") or [50_000, 200_000]:
        data = deep_divs(count, figures["form"])
        started, cpu = time.monotonic(), time.process_time()
        feed = parse_feed(data, "https://deep.example/feed")
        ours, ours_cpu = time.monotonic() - started, time.process_time() - cpu
        naive, naive_cpu = time_unbounded(data, figures["naive_limit_s"])
        figures[f"divs_{count}_bytes"] = len(data)
        figures[f"divs_{count}_ours_s"] = round(ours, 2)
        figures[f"divs_{count}_ours_cpu_s"] = round(ours_cpu, 2)
        figures[f"divs_{count}_naive_s"] = round(naive, 2) if naive is not None else f"> {figures['naive_limit_s']:g}"
        figures[f"divs_{count}_naive_cpu_s"] = round(naive_cpu, 2)
        figures[f"divs_{count}_notes"] = len(feed.notes)
        if stdout is not None:
            naive_s = figures[f"divs_{count}_naive_s"]
            stdout.write(
                f"{count} divs: ours {ours:.2f}s ({ours_cpu:.2f}s CPU), naive {naive_s}s ({naive_cpu:.1f}s CPU)"
            )
    return figures
