"""Write a generated table into benchmarks/README.md between its two marker comments, so the scripts
that make tables (``verify_catalog.py``, ``time_programs.py``) update them in place."""
from __future__ import annotations

import pathlib
import re

README = pathlib.Path(__file__).resolve().parent / "README.md"


def write_section(name: str, body: str, heading: str) -> None:
    """Put ``body`` between ``<!-- name:begin -->`` and ``<!-- name:end -->``; if the README has no
    such markers yet, append them under a new section ``## heading``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body}\n{end}"
    text = README.read_text()
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n## {heading}\n\n{block}\n"
    README.write_text(text)
