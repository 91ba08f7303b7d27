"""``minnet tour``: every failure mode, broken and fixed, as a table on the terminal and a web page.

For each mode it runs the broken and the fixed setting with the same seed, measures the symptom,
asks preflight and diagnose what they see, draws the mode's figure (``DIR/NAME.png``), and writes
``DIR/index.html``: one section per mode with its summary, source, knobs, the two values, the
findings and the figure. The page is plain HTML with the figures beside it: it opens in any
browser, without a server or a network.
"""
from __future__ import annotations

import html
import math
import pathlib
import sys
import time
from typing import Iterable, TextIO

from tqdm import tqdm

from .catalog import catalog, get
from .compare import Comparison
from .run import fmt


def run_tour(out: str | pathlib.Path = "minnet-tour", quick: bool = False, only: Iterable[str] | None = None,
             seed: int = 0, progress: bool = True, stream: TextIO | None = None,
             figures: bool = True) -> list[Comparison]:
    """Run the modes (all, or those named in ``only``), print the table, write the page; return the comparisons.

    ``quick`` shortens every run (fewer epochs); ``figures=False`` skips the PNGs (and the page's images).
    """
    stream = stream or sys.stdout
    modes = [get(name) for name in only] if only else catalog()
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    comparisons = []
    start = time.perf_counter()
    bar = tqdm(modes, desc="tour", unit="mode", disable=not progress, file=sys.stderr, leave=False)
    for mode in bar:
        bar.set_postfix_str(mode.name)
        c = mode.compare(seed=seed, quick=quick)
        if figures:
            fig = c.plot(out / f"{mode.name}.png")
            _close(fig)
        comparisons.append(c)
    bar.close()
    seconds = time.perf_counter() - start
    print(table(comparisons), file=stream)
    page = out / "index.html"
    page.write_text(render_html(comparisons, seconds, quick, seed, figures), encoding="utf-8")
    good = sum(c.ok for c in comparisons)
    print(f"\n{good} of {len(comparisons)} modes show the symptom broken and not fixed, with the expected "
          f"findings ({seconds:.0f} s). The page: {page}", file=stream)
    return comparisons


def _close(fig) -> None:
    from ..plot import close
    close(fig)


def table(comparisons: list[Comparison]) -> str:
    """The terminal table: mode, symptom, broken and fixed values, findings raised on broken, a check mark."""
    rows = [("mode", "symptom", "broken", "fixed", "findings (broken run)", "")]
    for c in comparisons:
        key = next(iter(c.broken.symptoms))
        codes = ", ".join(sorted(set(c.mode.findings) & c.broken.findings.codes)) or \
            ("-" if c.mode.findings else "(none expected)")
        rows.append((c.mode.name, key, fmt(c.broken.symptom_value), fmt(c.fixed.symptom_value), codes,
                     "✓" if c.ok else "✗"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(f"{v:<{w}}" for v, w in zip(r[:5], widths)) + "  " + r[5])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } .lead { color: #555; margin-top: 0; }
nav ol { columns: 3; font-size: 0.92em; } nav a { text-decoration: none; }
section { border-top: 1px solid #ddd; padding-top: 1em; margin-top: 2em; }
h2 .ok { color: #1a7f37; } h2 .bad { color: #cf222e; } h2 code { font-size: 0.8em; color: #666; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.95em; }
td, th { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } .num { font-family: ui-monospace, Menlo, Consolas, monospace; }
.source { color: #555; font-size: 0.9em; } img { max-width: 100%; border: 1px solid #eee; }
.finding { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.88em; }
"""


def _e(text) -> str:
    return html.escape(str(text))


def render_html(comparisons: list[Comparison], seconds: float, quick: bool, seed: int, figures: bool = True) -> str:
    """The tour's page, self-contained but for the PNG figures next to it."""
    good = sum(c.ok for c in comparisons)
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>minnet tour</title>"
             f"<style>{_CSS}</style></head><body>",
             "<h1>minnet tour: how training goes wrong</h1>",
             f"<p class='lead'>{len(comparisons)} failure modes, each run broken and fixed with seed {seed}"
             f"{' (quick settings)' if quick else ''}; {good} show the symptom when broken and not when fixed, "
             f"with the findings preflight and diagnose must raise ({seconds:.0f} s).</p>",
             "<nav><ol>" + "".join(f"<li><a href='#{c.mode.name}'>{_e(c.mode.name)}</a> {'✓' if c.ok else '✗'}</li>"
                                   for c in comparisons) + "</ol></nav>"]
    for c in comparisons:
        parts.append(_section(c, figures))
    parts.append("<p class='source'>Made by <code>minnet tour</code>. Each mode: <code>minnet failures show NAME</code>, "
                 "<code>minnet failures run NAME [--fixed] [--set KNOB=VALUE]</code>.</p></body></html>")
    return "\n".join(parts)


def _section(c: Comparison, figures: bool) -> str:
    m, b, f = c.mode, c.broken, c.fixed
    mark = "<span class='ok'>✓</span>" if c.ok else "<span class='bad'>✗</span>"
    knob_rows = "".join(
        f"<tr><td><code>{_e(k.name)}</code></td><td class='num'>{_e(b.settings[k.name])}</td>"
        f"<td class='num'>{_e(f.settings[k.name])}</td><td>{_e(k.allowed)}</td><td>{_e(k.help)}</td></tr>"
        for k in m.knobs)
    symptom_rows = "".join(
        f"<tr><td>{_e(k)}</td><td class='num'>{_e(fmt(b.symptoms[k]))}</td>"
        f"<td class='num'>{_e(fmt(f.symptoms.get(k, math.nan)))}</td></tr>" for k in b.symptoms)
    symptom_rows += (f"<tr><td>shows the symptom</td><td>{'yes' if b.shows_symptom else 'no'}</td>"
                     f"<td>{'yes' if f.shows_symptom else 'no'}</td></tr>")

    def findings(run):
        if not len(run.findings):
            return "<p>none</p>"
        return "<ul>" + "".join(
            f"<li class='finding'><b>{_e(x.code)}</b>{' (expected)' if x.code in m.findings else ''} "
            f"[{_e(x.severity)}]: {_e(x.message)}</li>" for x in run.findings) + "</ul>"

    expected = ", ".join(sorted(m.findings)) or "none (no rule of the vocabulary describes this symptom)"
    img = (f"<p><img src='{_e(m.name)}.png' alt='{_e(m.name)}: broken and fixed'></p>" if figures else "")
    lesson = f" Lesson: <code>minnet lesson {m.lesson}</code>." if m.lesson else ""
    return (f"<section id='{_e(m.name)}'><h2>{mark} {_e(m.title)} <code>{_e(m.name)}</code></h2>"
            f"<p>{_e(m.summary)}</p><p class='source'>Source: {_e(m.source)}.{lesson}</p>"
            f"<p><b>Symptom:</b> {_e(m.symptom)}</p>"
            f"<table><tr><th></th><th>broken</th><th>fixed</th></tr>{symptom_rows}</table>"
            f"<details><summary>Knobs</summary><table><tr><th>knob</th><th>broken</th><th>fixed</th><th>allowed</th>"
            f"<th>what it does</th></tr>{knob_rows}</table></details>{img}"
            f"<p><b>Expected findings on the broken run:</b> {_e(expected)}</p>"
            f"<details open><summary>Findings, broken run</summary>{findings(b)}</details>"
            f"<details><summary>Findings, fixed run</summary>{findings(f)}</details></section>")
