"""Broken against fixed: a :class:`Comparison` of one seed, and a :class:`Verification` over many seeds."""
from __future__ import annotations

from dataclasses import dataclass, field

from .run import Run, fmt


def _codes(run: Run, expected) -> str:
    codes = sorted(run.findings.codes)
    return ", ".join(f"{c}*" if c in expected else c for c in codes) or "-"


@dataclass
class Comparison:
    """The broken and the fixed run of one mode with the same seed; ``str()`` is a side-by-side table."""

    mode: object
    broken: Run
    fixed: Run

    @property
    def ok(self) -> bool:
        """Broken shows the symptom and the expected findings; fixed shows neither."""
        return behaves(self.mode, self.broken, self.fixed)

    def __str__(self) -> str:
        m, b, f = self.mode, self.broken, self.fixed
        rows = [("", "broken", "fixed")]
        changed = [k for k in b.settings if b.settings[k] != f.settings[k]]
        for k in changed or list(b.settings)[:2]:
            rows.append((f"knob {k}", str(b.settings[k]), str(f.settings[k])))
        for k in b.symptoms:
            rows.append((k, fmt(b.symptoms[k]), fmt(f.symptoms.get(k))))
        rows.append(("shows the symptom", "yes" if b.shows_symptom else "no", "yes" if f.shows_symptom else "no"))
        rows.append(("findings", _codes(b, m.findings), _codes(f, m.findings)))
        rows.append(("seconds", f"{b.seconds:.1f}", f"{f.seconds:.1f}"))
        w0, w1 = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
        lines = [f"{m.name}: {m.title} (seed {b.seed})"]
        lines += [f"  {a:<{w0}}  {c:<{w1}}  {d}" for a, c, d in rows]
        expected = ", ".join(sorted(m.findings)) or "none"
        lines.append(f"  symptom rule: {m.symptom}")
        lines.append(f"  expected findings on broken (marked *): {expected}. "
                     f"{'OK: broken shows it, fixed does not.' if self.ok else 'NOT AS EXPECTED.'}")
        return "\n".join(lines)

    def plot(self, path=None):
        """The mode's own symptom, broken next to fixed (see ``minnet.plot.failures``); returns the Figure."""
        from ..plot import failures as figures
        return figures.plot_comparison(self, path=path)


def behaves(mode, broken: Run, fixed: Run) -> bool:
    """Broken shows the symptom and raises every listed finding; fixed shows neither."""
    return (broken.shows_symptom and not fixed.shows_symptom and set(mode.findings) <= broken.findings.codes
            and not (set(mode.findings) & fixed.findings.codes))


@dataclass
class Verification:
    """Broken and fixed on several seeds. ``robust`` when every seed behaves; ``str()`` is the table."""

    mode: object
    rows: list = field(default_factory=list)       # (seed, broken Run, fixed Run)

    @classmethod
    def of(cls, mode, seeds, quick: bool = False, progress: bool = False) -> "Verification":
        from tqdm import tqdm
        seeds = list(seeds)
        v = cls(mode)
        for seed in tqdm(seeds, desc=mode.name, disable=not progress, leave=False):
            v.rows.append((seed, mode.run(True, seed, quick), mode.run(False, seed, quick)))
        return v

    @property
    def robust(self) -> bool:
        return bool(self.rows) and all(behaves(self.mode, b, f) for _, b, f in self.rows)

    def __str__(self) -> str:
        m = self.mode
        key = next(iter(self.rows[0][1].symptoms)) if self.rows else "symptom"
        lines = [f"{m.name}: {len(self.rows)} seeds, {'robust' if self.robust else 'NOT robust'}",
                 f"  {'seed':>4}  {key + ' broken':>22}  {key + ' fixed':>22}  {'ok':>3}  findings broken | fixed"]
        for seed, b, f in self.rows:
            ok = "yes" if behaves(m, b, f) else "NO"
            lines.append(f"  {seed:>4}  {fmt(b.symptom_value):>22}  {fmt(f.symptom_value):>22}  {ok:>3}  "
                         f"{_codes(b, m.findings)} | {_codes(f, m.findings)}")
        lines.append(f"  rule: {m.symptom}; expected findings: {', '.join(sorted(m.findings)) or 'none'}")
        return "\n".join(lines)
