"""The playground's side-by-side run: several ways of drafting one text, bounded in time.

A column is one way of drafting: a saved profile, the knobs on the page, and, when a server is
configured beside the worker's model, the server's model with the knobs on the page; adding a kind
of column means adding one more `Column` with its own `generate`. Columns run one after another in
the web process. Before each column the budget is checked, so a page waits at most the budget plus
one column; the columns left over are reported as not run, with the reason, rather than holding
the page for minutes.

The offline fallback ignores the decoding knobs, so once a column comes back as a fallback
extract, the other columns drafted the same way would only repeat it: they are reported as not
run, once, instead of showing the same extract under different names.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from summarizer import backends, decoding, drafting, prompts
from summarizer.models import DecodingProfile, Draft

Generate = Callable[[prompts.Source, decoding.Knobs], list[drafting.Generated]]

SAME_EXTRACT = "without a model every profile gives this same extract"
KNOBS_LABEL = "The knobs below"


@dataclass(frozen=True)
class Column:
    label: str
    knobs: decoding.Knobs | None  # None: the column cannot run (`problem` says why)
    generate: Generate = drafting.preview
    is_default: bool = False
    problem: str = ""  # why the column is not run, in the words of the "Not run" line


@dataclass
class Result:
    column: Column
    drafts: list[drafting.Generated] = field(default_factory=list)
    skipped: str = ""  # why the column was not run; empty when it ran
    same_as: str = ""  # label of an earlier column that gave exactly these texts

    @property
    def seconds(self) -> float:
        """Generation time of the column; each of a text's alternatives carries the time of the whole call."""
        return max((d.seconds for d in self.drafts), default=0.0)

    @property
    def is_fallback(self) -> bool:
        # Only when no model draft came back: an extract shown before demoted model drafts is not "no model".
        return bool(self.drafts) and all(d.engine == Draft.Engine.FALLBACK for d in self.drafts)


@dataclass
class Comparison:
    results: list[Result]

    @property
    def shown(self) -> list[Result]:
        return [r for r in self.results if not r.skipped]

    @property
    def model_id(self) -> str:
        """The model every shown model column used, or "" when they differ (then each column names its own)."""
        ids = {d.model_id for r in self.shown if not r.is_fallback for d in r.drafts}
        return ids.pop() if len(ids) == 1 else ""

    @property
    def skipped(self) -> list[tuple[str, list[str]]]:
        """(reason, column labels) for the columns not run, one line per reason, in column order."""
        grouped: dict[str, list[str]] = {}
        for result in self.results:
            if result.skipped:
                grouped.setdefault(result.skipped, []).append(result.column.label)
        return list(grouped.items())


def profile_column(profile: DecodingProfile) -> Column:
    """A saved profile as a column; a profile saved without validation becomes a column that says why."""
    try:
        knobs = profile.knobs()
    except ValidationError as exc:
        problem = f"its settings do not hold together ({' '.join(exc.messages)}); fix the profile"
        return Column(profile.name, None, is_default=profile.is_default, problem=problem)
    return Column(profile.name, knobs, is_default=profile.is_default)


def server_label(model: str) -> str:
    return f"The server's model ({model})"


def server_column(knobs: decoding.Knobs) -> Column:
    """The page's knobs on the server beside the worker's model; refused knobs are said, not dropped."""
    label = server_label(backends.server_beside_worker())
    refused = backends.refusal_line(knobs.as_dict(), backends.OPENAI)
    if refused:
        return Column(label, None, problem=f"{refused} Change the knobs below to run the server")
    return Column(label, knobs, generate=functools.partial(drafting.preview, backend=backends.OPENAI))


def columns_for(
    profiles: Iterable[DecodingProfile], knobs: decoding.Knobs | None, server_knobs: decoding.Knobs | None = None
) -> list[Column]:
    """The saved profiles in the order given, then the page's knobs, then the server's model, when asked for."""
    columns = [profile_column(profile) for profile in profiles]
    if knobs is not None:
        columns.append(Column(KNOBS_LABEL, knobs))
    if server_knobs is not None:
        columns.append(server_column(server_knobs))
    return columns


def run(
    source: prompts.Source,
    columns: Sequence[Column],
    *,
    budget_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> Comparison:
    """Run each column on `source` while the budget lasts; the first column always runs."""
    began = clock()
    results: list[Result] = []
    fallback_by: set[Generate] = set()
    for column in columns:
        result = Result(column)
        results.append(result)
        if column.knobs is None:
            result.skipped = column.problem
        elif column.generate in fallback_by:
            result.skipped = SAME_EXTRACT
        elif any(r.drafts for r in results) and clock() - began >= budget_seconds:
            result.skipped = (
                f"the columns before used up this page's {budget_seconds:g}-second limit; tick fewer to run these"
            )
        else:
            result.drafts = column.generate(source, column.knobs)
            if result.is_fallback:
                fallback_by.add(column.generate)
            result.same_as = _same_as(result, results[:-1])
    return Comparison(results)


def _same_as(result: Result, earlier: Sequence[Result]) -> str:
    texts = [d.text for d in result.drafts]
    for other in earlier:
        if other.drafts and [d.text for d in other.drafts] == texts:
            return other.column.label
    return ""
