"""Validate the curated data: schema (Frictionless), raw-file fingerprints and provenance.

Provenance means: each quote stands in its raw file exactly at ``char_start:char_end``, the
number the quote states agrees with ``value``/``value_max``/``unit`` (through
:func:`analysis.numbers.parse_quantity`), the clauses tile each document body, and every
number in every body is a curated quantity or an explained exclusion (the closed world).
Validation only reads; it never writes under ``data/`` (except that, like every command, it first finishes or
rolls back a write of curated tables that a crash interrupted, see :mod:`analysis.store`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from analysis.corpus import TextEncodingError, read_raw_text, sha256_file
from analysis.curated import CuratedDataError, Problem, load_tables, read_datapackage, resource
from analysis.indicator_checks import benchmark_value_problems, indicator_model_problems
from analysis.normalize import normalize
from analysis.numbers import NotAQuantityError, parse_quantity, scan_numbers
from analysis.paths import PROJECT_ROOT, raw_path
from analysis.provenance import provenance_problems
from analysis.quantity_words import find_quantity_words, read_word

CURATED = "data/curated/"


def _line(index: int) -> int:
    """File line of a DataFrame row read with a header (header is line 1)."""
    return int(index) + 2


def schema_problems(root: Path = PROJECT_ROOT, loaded=None) -> list[Problem]:
    """Types, required fields, enums, patterns, unique and primary/foreign keys, per ``datapackage.json``;
    each problem names the file (a region's file for a per-region table) and its line."""
    import frictionless

    from analysis import store

    loaded = loaded or store.load(root)
    curated = root / "data" / "curated"
    descriptor_path = curated / "datapackage.json"
    digests = _resource_digests(curated, loaded.descriptor)
    if digests and all(d in _CLEAN_RESOURCES for d in digests.values()):
        return []  # Frictionless found nothing in these very bytes before (in this process)
    try:
        package = frictionless.Package(str(descriptor_path))
        package.to_descriptor(validate=True)
    except frictionless.FrictionlessException as exception:
        # Errors of the package as a whole (a resource without the tabular profile, say) stop Frictionless
        # before any table is checked: they must fail validation, never pass it silently.
        return [Problem(CURATED + "datapackage.json", 0, "", _frictionless_message(e)) for e in exception.to_errors()]
    labels = {item["name"]: store.CURATED + store.resource_parts(item)[0] for item in loaded.descriptor["resources"]}
    problems = []
    for table in package.resources:  # as Package.validate does, one resource after another
        digest = digests.get(table.name)
        if digest in _CLEAN_RESOURCES:
            continue
        report = table.validate()
        found = [Problem(CURATED + "datapackage.json", 0, "", _frictionless_message(e)) for e in report.errors]
        for task in report.tasks:
            label = labels.get(task.name, CURATED + Path(str(task.place)).name)
            for error in task.errors:
                line = int(getattr(error, "row_number", None) or 0)
                column = getattr(error, "field_name", None) or ",".join(getattr(error, "field_names", None) or [])
                where = store.stream_location(loaded, task.name, line) if line else None
                found.append(Problem(*(where or (label, line)), column, _frictionless_message(error)))
        if not found and digest is not None:
            _CLEAN_RESOURCES.add(digest)
        problems += found
    return problems


# Digests of resources Frictionless found valid in this process. Its check takes most of a validation and
# depends only on bytes: the descriptor, the resource's files and the files of the resources its foreign keys
# point to. A second validation skips the resources whose bytes are unchanged: after a one-cell edit only
# that table (and the tables that refer to it) is checked again, and the methods appendix after the build's
# own validation checks none. Only clean results are kept: a problem names its file, which differs from copy
# to copy.
_CLEAN_RESOURCES: set[str] = set()


def _resource_digests(curated: Path, descriptor: dict) -> dict[str, str]:
    """Per resource name, sha256 of what Frictionless's check of it reads; {} if a file cannot be read."""
    from analysis.pipeline import digest_of
    from analysis.store import resource_parts

    items = {item["name"]: item for item in descriptor.get("resources", [])}

    def files(name: str) -> list[object]:
        return [part.encode("utf-8") for part in resource_parts(items[name])] + [
            curated / part for part in resource_parts(items[name])
        ]

    try:
        package = (curated / "datapackage.json").read_bytes()
        digests = {}
        for name, item in items.items():
            referred = sorted(
                {
                    key.get("reference", {}).get("resource") or name
                    for key in item.get("schema", {}).get("foreignKeys", [])
                }
                - {name}
            )
            unknown = [r for r in referred if r not in items]
            if unknown:  # a dangling reference: Frictionless reports it, never from memory
                continue
            digests[name] = digest_of(package, name, *files(name), *[f for r in referred for f in [r, *files(r)]])
        return digests
    except (OSError, KeyError, TypeError, AttributeError):
        return {}


def _frictionless_message(error) -> str:
    """A short message for a Frictionless error: what the cell holds and what the schema wants."""
    cell = getattr(error, "cell", None)
    kind = error.type
    if kind == "constraint-error" and "required" in error.note:
        return "a value is required here but the cell is empty"
    if kind == "constraint-error":
        return f"{cell!r} breaks the schema: {error.note}"
    if kind == "type-error":
        return f"{cell!r} is not of the declared type: {error.note}"
    if kind in ("unique-error", "primary-key"):
        return f"duplicate: {error.note} (ids must be unique)"
    if kind == "foreign-key":
        return f"unknown reference: {error.note}"
    label = getattr(error, "label", None)
    if kind == "extra-label":
        return f"extra column {label!r} (column {getattr(error, 'field_number', '?')}) is not in the Table Schema of datapackage.json: remove it, or declare it there with a description"
    if kind in ("missing-label", "blank-label", "incorrect-label", "duplicate-label"):
        return (
            f"{error.title} {label!r} (column {getattr(error, 'field_number', '?')}): {error.note or error.description}"
        )
    if not error.note:
        return f"{error.title}: {error.description}"
    return f"{error.title}: {error.note}"


def _decimal(text: str) -> Decimal | None:
    if text in ("", None):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def document_problems(documents: pd.DataFrame, texts: dict[str, str], root: Path) -> list[Problem]:
    """Raw files exist, are UTF-8, match their sha256 and length; body offsets lie inside them."""
    label = CURATED + "documents.csv"
    problems = []
    for index, row in documents.iterrows():
        line = _line(index)
        path = raw_path(row["raw_file"], root)
        if not path.is_file():
            problems.append(Problem(label, line, "raw_file", f"data/raw/{row['raw_file']} does not exist"))
            continue
        digest = sha256_file(path)
        if digest != row["sha256"]:
            problems.append(
                Problem(
                    label,
                    line,
                    "sha256",
                    f"data/raw/{row['raw_file']} has changed: its sha256 is {digest}, the manifest says {row['sha256']}. Raw files are never edited.",
                )
            )
        problems += original_file_problems(row, label, line, root)
        text = texts.get(row["doc_id"])
        if text is None:
            continue
        if str(len(text)) != str(row["char_count"]):
            problems.append(
                Problem(
                    label,
                    line,
                    "char_count",
                    f"the text has {len(text)} characters, the manifest says {row['char_count']}",
                )
            )
        start, end = _decimal(row["body_char_start"]), _decimal(row["body_char_end"])
        if start is not None and end is not None and not 0 <= start < end <= len(text):
            problems.append(
                Problem(label, line, "body_char_end", f"body {start}:{end} is not inside the text (length {len(text)})")
            )
    return problems


def original_file_problems(row, label: str, line: int, root: Path) -> list[Problem]:
    """The PDF or Word original a raw text was extracted from is beside it and matches its sha256."""
    original = row.get("original_file", "") or ""
    if not original:
        if row.get("original_sha256", ""):
            return [Problem(label, line, "original_file", "original_sha256 is set but original_file is empty")]
        return []
    path = raw_path(original, root)
    if not path.is_file():
        return [
            Problem(
                label,
                line,
                "original_file",
                f"data/raw/{original} does not exist (the original the raw text was extracted from)",
            )
        ]
    digest = sha256_file(path)
    if digest != row.get("original_sha256", ""):
        return [
            Problem(
                label,
                line,
                "original_sha256",
                f"data/raw/{original} has sha256 {digest}, the manifest says {row.get('original_sha256', '')!r}",
            )
        ]
    return []


def quote_problems(frame: pd.DataFrame, file: str, texts: dict[str, str], *, optional: bool = False) -> list[Problem]:
    """Each quote equals the raw text at its offsets; say where it really is when it does not."""
    problems = []
    label = CURATED + file
    for index, row in frame.iterrows():
        line = _line(index)
        quote = row["quote"]
        if optional and not quote:
            continue
        text = texts.get(row["doc_id"])
        if text is None:
            continue  # unknown doc_id is a foreign-key problem, reported by the schema check
        start, end = _decimal(row["char_start"]), _decimal(row["char_end"])
        if start is None or end is None:
            missing = "char_start" if start is None else "char_end"
            problems.append(Problem(label, line, missing, f"a quote needs char_start and char_end; {missing} is empty"))
            continue
        start, end = int(start), int(end)
        if text[start:end] == quote:
            continue
        if text[start : start + len(quote)] == quote:
            problems.append(
                Problem(
                    label,
                    line,
                    "char_end",
                    f"char_end is {end}, but the quote starting at {start} ends at {start + len(quote)} in {row['doc_id']}",
                )
            )
            continue
        found = text.find(quote)
        if found < 0:
            hint = " The quote does not occur anywhere in the raw file (a typo, or simplified characters for a traditional text?)."
            problems.append(Problem(label, line, "quote", f"quote not found in the raw text of {row['doc_id']}.{hint}"))
        else:
            problems.append(
                Problem(
                    label,
                    line,
                    "char_start",
                    f"quote is not at {start}:{end} in {row['doc_id']}; it occurs at {found}:{found + len(quote)}",
                )
            )
    return problems


def value_problems(targets: pd.DataFrame, file: str = "targets.csv") -> list[Problem]:
    """``number_text`` stands in the quote and parses to the row's value, value_max and unit."""
    label = CURATED + file
    problems = []
    for index, row in targets.iterrows():
        line = _line(index)
        number_text = row["number_text"]
        if number_text not in row["quote"]:
            problems.append(Problem(label, line, "number_text", f"{number_text!r} does not occur in the quote"))
            continue
        word = read_word(number_text)
        if word is not None:
            problems += _word_value_problems(row, word, label, line)
            continue
        try:
            quantity = parse_quantity(number_text)
        except NotAQuantityError as error:
            problems.append(Problem(label, line, "number_text", str(error)))
            continue
        value, value_max = _decimal(row["value"]), _decimal(row["value_max"])
        if value is None or value != quantity.value:
            problems.append(
                Problem(
                    label,
                    line,
                    "value",
                    f"value {row['value']!r} disagrees with the quote: {number_text!r} reads as {quantity.value.normalize():f}",
                )
            )
        expected_max = quantity.value_max
        if (value_max is None) != (expected_max is None) or (value_max is not None and value_max != expected_max):
            reads = "no range" if expected_max is None else f"a range up to {expected_max.normalize():f}"
            problems.append(
                Problem(
                    label,
                    line,
                    "value_max",
                    f"value_max {row['value_max']!r} disagrees with the quote: {number_text!r} has {reads}",
                )
            )
        if quantity.unit and row["unit"] != quantity.unit:
            problems.append(
                Problem(
                    label,
                    line,
                    "unit",
                    f"unit {row['unit']!r} disagrees with the quote: {number_text!r} has unit {quantity.unit!r}",
                )
            )
        if quantity.unit_original != quantity.unit and row["unit_original"] != quantity.unit_original:
            problems.append(
                Problem(
                    label,
                    line,
                    "unit_original",
                    f"unit_original {row['unit_original']!r} disagrees with the quote: {number_text!r} is written in {quantity.unit_original!r}",
                )
            )
        if quantity.is_rank and row["comparator"] != "rank_top":
            problems.append(
                Problem(label, line, "comparator", f"{number_text!r} is a ranking (前N名): comparator must be rank_top")
            )
    return problems


def _word_value_problems(row, word, label: str, line: int) -> list[Problem]:
    """A numeral-free quantity word (全覆盖 → 100 %) agrees with the row's value and unit."""
    problems = []
    if _decimal(row["value"]) != word.value:
        problems.append(
            Problem(
                label,
                line,
                "value",
                f"value {row['value']!r} disagrees with the quote: {word.word!r} reads as {word.value}",
            )
        )
    if row["value_max"]:
        problems.append(
            Problem(label, line, "value_max", f"{word.word!r} states one value, not a range: leave value_max empty")
        )
    if word.unit and row["unit"] != word.unit:
        problems.append(
            Problem(
                label,
                line,
                "unit",
                f"unit {row['unit']!r} disagrees with the quote: {word.word!r} reads as {word.value} {word.unit}",
            )
        )
    return problems


def clause_problems(clauses: pd.DataFrame, documents: pd.DataFrame) -> list[Problem]:
    """Clauses tile each document body: no gaps, no overlaps, from body start to body end."""
    label = CURATED + "clauses.csv"
    problems = []
    for doc in documents.itertuples():
        rows = clauses[clauses["doc_id"] == doc.doc_id]
        if rows.empty:
            problems.append(Problem(label, 0, "doc_id", f"document {doc.doc_id} has no clauses: code its body"))
            continue
        spans = sorted((int(r.char_start), int(r.char_end), _line(i)) for i, r in rows.iterrows())
        cursor = int(doc.body_char_start)
        for start, end, line in spans:
            if end <= start:
                problems.append(Problem(label, line, "char_end", f"clause ends at {end}, not after its start {start}"))
            if start > cursor:
                problems.append(
                    Problem(
                        label,
                        line,
                        "char_start",
                        f"gap in {doc.doc_id}: characters {cursor}:{start} belong to no clause",
                    )
                )
            elif start < cursor:
                problems.append(
                    Problem(
                        label,
                        line,
                        "char_start",
                        f"overlap in {doc.doc_id}: clause starts at {start}, the previous one ends at {cursor}",
                    )
                )
            cursor = max(cursor, end)
        if cursor != int(doc.body_char_end):
            problems.append(
                Problem(
                    label,
                    spans[-1][2],
                    "char_end",
                    f"clauses of {doc.doc_id} end at {cursor}, the body ends at {doc.body_char_end}",
                )
            )
    return problems


def within_clause_problems(frame: pd.DataFrame, clauses: pd.DataFrame, file: str) -> list[Problem]:
    """A row's quote lies inside the clause it names."""
    spans = {(r.doc_id, r.clause_id): (int(r.char_start), int(r.char_end)) for r in clauses.itertuples()}
    problems = []
    for index, row in frame.iterrows():
        span = spans.get((row["doc_id"], row["clause_id"]))
        if span is None:
            continue  # reported by the foreign-key check
        if not (span[0] <= int(row["char_start"]) and int(row["char_end"]) <= span[1]):
            problems.append(
                Problem(
                    CURATED + file,
                    _line(index),
                    "clause_id",
                    f"quote {row['char_start']}:{row['char_end']} is not inside clause {row['clause_id']} ({span[0]}:{span[1]})",
                )
            )
    return problems


def commitment_coverage_problems(
    commitments: pd.DataFrame, documents: pd.DataFrame, themes: pd.DataFrame
) -> list[Problem]:
    """Every document × theme has a commitment level, and levels above 0 carry a quote."""
    label = CURATED + "commitments.csv"
    coded = set(zip(commitments["doc_id"], commitments["theme_id"]))
    problems = []
    for doc_id in documents["doc_id"]:
        for theme_id in themes["theme_id"]:
            if theme_id == "web_furniture":
                continue
            if (doc_id, theme_id) not in coded:
                problems.append(Problem(label, 0, "theme_id", f"no commitment level for {doc_id} × {theme_id}"))
    for index, row in commitments.iterrows():
        if row["level"] not in ("", "0") and not row["quote"]:
            problems.append(
                Problem(label, _line(index), "quote", f"level {row['level']} needs a quote that justifies it")
            )
    return problems


def component_coverage_problems(
    coded: pd.DataFrame, documents: pd.DataFrame, components: pd.DataFrame
) -> list[Problem]:
    """Every document × component is coded, and a present component carries its quote."""
    label = CURATED + "document_components.csv"
    done = set(zip(coded["doc_id"], coded["component"]))
    problems = [
        Problem(label, 0, "component", f"no code for {doc_id} × {component}")
        for doc_id in documents["doc_id"]
        for component in components["component"]
        if (doc_id, component) not in done
    ]
    for index, row in coded.iterrows():
        if row["present"] == "true" and not row["quote"]:
            problems.append(Problem(label, _line(index), "quote", "a present component needs the quote that shows it"))
    return problems


def exclusion_problems(excluded: pd.DataFrame, texts: dict[str, str]) -> list[Problem]:
    """Each excluded number's text stands at its offsets."""
    label = CURATED + "excluded_numbers.csv"
    problems = []
    for index, row in excluded.iterrows():
        text = texts.get(row["doc_id"])
        if text is None:
            continue
        start, end = int(row["char_start"]), int(row["char_end"])
        if text[start:end] != row["text"]:
            problems.append(
                Problem(
                    label,
                    _line(index),
                    "text",
                    f"{row['text']!r} is not at {start}:{end} in {row['doc_id']} (found {text[start:end]!r})",
                )
            )
    return problems


def uncovered_numbers(
    documents: pd.DataFrame, texts: dict[str, str], targets: pd.DataFrame, excluded: pd.DataFrame
) -> pd.DataFrame:
    """Numbers in the raw texts covered neither by a target's number nor by an exclusion (closed world).

    Every number the scanner finds anywhere in the raw file (furniture included), and every
    numeral-free quantity word (:func:`analysis.quantity_words.find_quantity_words`), must be accounted
    for. A target covers a number when its ``number_text`` span overlaps it; an exclusion when
    its span overlaps it.
    """
    rows = []
    for doc in documents.itertuples():
        text = texts[doc.doc_id]
        normalised = normalize(text)
        covered: list[tuple[int, int]] = []
        for row in targets[targets["doc_id"] == doc.doc_id].itertuples():
            start = int(row.char_start) + row.quote.find(row.number_text)
            covered.append((start, start + len(row.number_text)))
        for row in excluded[excluded["doc_id"] == doc.doc_id].itertuples():
            covered.append((int(row.char_start), int(row.char_end)))
        spans = [
            (*normalised.to_raw_span(token.start, token.end), token.reason) for token in scan_numbers(normalised.text)
        ]
        spans += [(start, end, "quantity_word") for start, end, _ in find_quantity_words(text)]
        for start, end, reason in sorted(spans):
            if not any(s < end and start < e for s, e in covered):
                rows.append(
                    {
                        "doc_id": doc.doc_id,
                        "char_start": start,
                        "char_end": end,
                        "text": text[start:end],
                        "suggested_reason": reason,
                        "context": text[max(0, start - 15) : end + 10].replace("\n", " "),
                    }
                )
    return pd.DataFrame(rows, columns=["doc_id", "char_start", "char_end", "text", "suggested_reason", "context"])


def closed_world_problems(documents, texts, targets, excluded) -> list[Problem]:
    """One problem per number in a raw text that no curated row accounts for."""
    missing = uncovered_numbers(documents, texts, targets, excluded)
    return [
        Problem(
            f"data/raw/{documents.set_index('doc_id').at[r.doc_id, 'raw_file']}",
            0,
            "",
            f"{'quantity word' if r.suggested_reason == 'quantity_word' else 'number'} {r.text!r} at {r.char_start}:{r.char_end} ({r.context!r}) is neither in targets.csv nor in excluded_numbers.csv",
        )
        for r in missing.itertuples()
    ]


def _reading_problems(tables: dict[str, pd.DataFrame], root: Path) -> list[Problem]:
    from analysis.readings import reading_problems

    return reading_problems(tables, root)


def validate_project(root: Path = PROJECT_ROOT, *, closed_world: bool = True) -> list[Problem]:
    """Every problem with the curated data, sorted; an empty list means the data is valid."""
    from analysis import store

    try:
        loaded = store.load(root)
    except CuratedDataError as error:
        return sorted(error.problems)
    tables = loaded.tables
    problems = _logical_problems(root, tables, loaded, closed_world, schema_problems(root, loaded))
    return sorted(set(store.relocate(problems, loaded) + store.layout_problems(root, loaded)))


def _logical_problems(root, tables, loaded, closed_world, problems) -> list[Problem]:
    """The checks of :func:`validate_project` on the logical tables (lines = row index + 2)."""
    documents = tables["documents"]
    texts: dict[str, str] = {}
    for index, row in documents.iterrows():
        try:
            texts[row["doc_id"]] = read_raw_text(row["raw_file"], root)
        except (FileNotFoundError, TextEncodingError) as error:
            problems.append(Problem(CURATED + "documents.csv", _line(index), "raw_file", str(error)))
    problems += document_problems(documents, texts, root)
    if problems:  # provenance checks assume well-typed tables and readable raw files
        return problems
    targets = tables["targets"]
    problems += quote_problems(targets, "targets.csv", texts)
    problems += quote_problems(tables["commitments"], "commitments.csv", texts, optional=True)
    problems += quote_problems(tables["document_components"], "document_components.csv", texts, optional=True)
    problems += component_coverage_problems(tables["document_components"], documents, tables["components"])
    problems += value_problems(targets)
    problems += clause_problems(tables["clauses"], documents)
    problems += within_clause_problems(targets, tables["clauses"], "targets.csv")
    problems += commitment_coverage_problems(tables["commitments"], documents, tables["themes"])
    problems += exclusion_problems(tables["excluded_numbers"], texts)
    problems += indicator_model_problems(tables)
    problems += benchmark_value_problems(tables["national_benchmarks"])
    problems += provenance_problems(tables, texts)
    problems += _reading_problems(tables, root)
    if closed_world and not problems:
        problems += closed_world_problems(documents, texts, targets, tables["excluded_numbers"])
    return problems


def summary_counts(root: Path = PROJECT_ROOT) -> dict[str, int]:
    """Row counts of every curated table (for reports)."""
    descriptor = read_datapackage(root)
    tables = load_tables(root)
    return {item["name"]: len(tables[item["name"]]) for item in descriptor["resources"]} | {
        "resources": len(descriptor["resources"])
    }


__all__ = ["validate_project", "uncovered_numbers", "schema_problems", "summary_counts", "resource"]
