"""Accuracy and speed of the target extractor (`python -m analysis extract`), with baselines.

Run from the project root:

    .venv/bin/python benchmarks/extract_benchmark.py            # accuracy, baselines, corpus and 50 MB speed
    .venv/bin/python benchmarks/extract_benchmark.py --size-mb 5  # a smaller synthetic corpus
    .venv/bin/python benchmarks/extract_benchmark.py --jionlp-python /tmp/jio/bin/python

Accuracy. The extractor runs on the raw texts in data/raw/ (through the same file reader as the
command line) and is scored against data/curated/targets.csv. A candidate is right when its
quote's span overlaps the span of a curated quote of the same document and its value equals the
curated value (Decimal equality). Precision = right candidates / all candidates; recall =
curated targets matched by at least one candidate. Two rows of targets.csv that share a quote and
a value (公办幼儿园及在园幼儿占比均保持50%以上 has two) are both recalled by one candidate.

Baselines, on the same texts and with the same scoring:
- a plain digits regex ([0-9]+ with an optional decimal part; value = the digits);
- jionlp's money extractor (jionlp.ner.extract_money) on the money subset (targets in 元), next to the
  extractor's own candidates in 元. jionlp is GPL-3.0 and large (about 166 MB), so it never enters
  the project's environment: the baseline runs when jionlp is importable here, or in another
  interpreter given with --jionlp-python (a throw-away venv), and is skipped with instructions
  otherwise.

Speed. Throughput on one core (CPU time of one process; wall time beside it) on the corpus and on a
synthetic corpus made by shuffling and repeating the texts' clauses to --size-mb (default 50) MB of
UTF-8, read from a file in chunks as the command line does; beside it the floor, a plain numeral
regex over the same text. Peak memory (maximum resident set size) of the process that extracts the
large file, and of one that extracts a tenth of it: flat memory means the two are close. Last, a
folder of files processed on all cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from analysis.curated import load_tables

try:
    from analysis.extraction import DEFAULT_CHUNK_CHARS, extract_file, extract_text, item_spans, run_extract
except ImportError:  # the code before the extraction subpackage: run this script against it for a "before"
    from analysis.extract import DEFAULT_CHUNK_CHARS, extract_file, extract_text, item_spans, run_extract
from analysis.paths import PROJECT_ROOT, raw_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from made_up_plans import LAYOUTS  # noqa: E402  (made-up plans in other layouts, shared with the tests)

NUMERAL_RE = re.compile(r"[0-9０-９]+(?:[.．。][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万亿]+")
DIGITS_RE = re.compile(r"[0-9０-９]+(?:[.．。][0-9０-９]+)?")
JIONLP_HELP = """jionlp baseline skipped: jionlp is not importable here. It is GPL-3.0 and about 166 MB, so it stays
out of the project's environment. To run the baseline, install it into a throw-away venv and point
this script at that interpreter:
    python3 -m venv /tmp/jio && /tmp/jio/bin/pip install jionlp
    .venv/bin/python benchmarks/extract_benchmark.py --jionlp-python /tmp/jio/bin/python"""

# Runs inside the jionlp interpreter: texts in (JSON on stdin), money mentions out (JSON on stdout).
JIONLP_CHILD = r"""
import contextlib, json, sys
with contextlib.redirect_stdout(sys.stderr):  # jionlp prints banners on import and first use
    import jionlp
texts = json.load(sys.stdin)
out = {}
for doc, text in texts.items():
    found = []
    with contextlib.redirect_stdout(sys.stderr):
        items = jionlp.ner.extract_money(text, with_parsing=True)
    for item in items:
        detail = item.get("detail") or {}
        found.append({"start": item["offset"][0], "end": item["offset"][1], "text": item["text"],
                      "num": detail.get("num"), "case": detail.get("case"), "definition": detail.get("definition")})
    out[doc] = found
json.dump(out, sys.stdout, ensure_ascii=False)
"""


# ---------------------------------------------------------------------------------------------
# Scoring


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def score(candidates: pd.DataFrame, targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark each candidate right or wrong and each target found or missed.

    ``candidates``: doc_id, char_start, char_end, value (+ anything); ``targets``: targets.csv rows.
    Returns (candidates with ``right`` and ``target_id``, targets with ``found``).
    """
    targets = targets.assign(
        t_start=targets["char_start"].astype(int),
        t_end=targets["char_end"].astype(int),
        t_value=targets["value"].map(_decimal),
    )
    by_doc = {doc: rows for doc, rows in targets.groupby("doc_id")}
    right, matched_id, found = [], [], set()
    for row in candidates.itertuples(index=False):
        rows = by_doc.get(row.doc_id)
        value = _decimal(row.value)
        hits = (
            []
            if rows is None
            else [
                t.target_id
                for t in rows.itertuples()
                if t.t_start < int(row.char_end) and int(row.char_start) < t.t_end and t.t_value == value
            ]
        )
        right.append(bool(hits))
        matched_id.append(hits[0] if hits else "")
        found.update(hits)
    scored = candidates.assign(right=right, target_id=matched_id)
    return scored, targets.assign(found=targets["target_id"].isin(found)).drop(columns=["t_start", "t_end", "t_value"])


def prf(right: int, predicted: int, found: int, relevant: int) -> dict:
    precision = right / predicted if predicted else float("nan")
    recall = found / relevant if relevant else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "candidates": predicted,
        "right": right,
        "targets": relevant,
        "found": found,
    }


def summary_table(
    scored: pd.DataFrame, recalled: pd.DataFrame, by: str, candidate_by: str | None = None
) -> pd.DataFrame:
    rows = []
    keys = sorted(set(recalled[by]) | set(scored[candidate_by or by]))
    for key in keys:
        c = scored[scored[candidate_by or by] == key]
        t = recalled[recalled[by] == key]
        rows.append({by: key, **prf(int(c["right"].sum()), len(c), int(t["found"].sum()), len(t))})
    return pd.DataFrame(rows)


def fmt(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.3f}")


# ---------------------------------------------------------------------------------------------
# Runs


def extractor_candidates(documents: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for doc in documents.itertuples():
        for _, result in extract_file(raw_path(doc.raw_file), doc.raw_file, themes):
            frames.append(result.candidates.assign(doc_id=doc.doc_id))
    return pd.concat(frames, ignore_index=True)


def digits_candidates(texts: dict[str, str]) -> pd.DataFrame:
    """The plain-regex baseline: every run of digits is a candidate, its value the digits."""
    rows = []
    table = str.maketrans("０１２３４５６７８９．。", "0123456789..")
    for doc_id, text in texts.items():
        for match in DIGITS_RE.finditer(text):
            rows.append(
                {
                    "doc_id": doc_id,
                    "char_start": match.start(),
                    "char_end": match.end(),
                    "value": match.group(0).translate(table),
                    "unit": "",
                }
            )
    return pd.DataFrame(rows)


def scanner_candidates(texts: dict[str, str]) -> pd.DataFrame:
    """What analysis.numbers.scan_numbers reads as a quantity, each a candidate spanning the number."""
    from analysis.normalize import normalize
    from analysis.numbers import format_decimal, scan_numbers

    rows = []
    for doc_id, text in texts.items():
        normalised = normalize(text)
        for token in scan_numbers(normalised.text):
            if token.quantity is not None:
                start, end = normalised.to_raw_span(token.start, token.end)
                rows.append(
                    {
                        "doc_id": doc_id,
                        "char_start": start,
                        "char_end": end,
                        "value": format_decimal(token.quantity.value),
                        "unit": token.quantity.unit,
                    }
                )
    return pd.DataFrame(rows)


def jionlp_money(texts: dict[str, str], python: str | None) -> pd.DataFrame | None:
    """Money mentions by jionlp.extract_money, in this interpreter or in ``python``; None if unavailable."""
    try:
        import jionlp  # noqa: F401  (benchmark-only, GPL-3.0; never a project dependency)

        command = [sys.executable, "-c", JIONLP_CHILD]
    except ImportError:
        if not python:
            return None
        command = [python, "-c", JIONLP_CHILD]
    result = subprocess.run(
        command, input=json.dumps(texts, ensure_ascii=False), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(f"jionlp baseline failed:\n{result.stderr[-2000:]}")
        return None
    rows = []
    for doc_id, found in json.loads(result.stdout).items():
        for item in found:
            value = _decimal(item["num"])
            rows.append(
                {
                    "doc_id": doc_id,
                    "char_start": item["start"],
                    "char_end": item["end"],
                    "value": "" if value is None else format(value.normalize(), "f"),
                    "text": item["text"],
                    "case": item["case"],
                }
            )
    return pd.DataFrame(rows, columns=["doc_id", "char_start", "char_end", "value", "text", "case"])


def accuracy(args: argparse.Namespace) -> None:
    tables = load_tables()
    documents, targets, themes = tables["documents"], tables["targets"], tables["themes"]
    texts = {doc.doc_id: raw_path(doc.raw_file).read_text(encoding="utf-8") for doc in documents.itertuples()}
    candidates = extractor_candidates(documents, themes)
    scored, recalled = score(candidates, targets)
    overall = prf(int(scored["right"].sum()), len(scored), int(recalled["found"].sum()), len(recalled))
    print("=" * 100)
    print(
        f"ACCURACY against data/curated/targets.csv ({len(targets)} curated quantities in {len(documents)} documents)"
    )
    print(
        f"extractor: precision {overall['precision']:.3f}  recall {overall['recall']:.3f}  F1 {overall['f1']:.3f}"
        f"   ({overall['right']} of {overall['candidates']} candidates right; {overall['found']} of "
        f"{overall['targets']} targets found)"
    )
    print("\nper document")
    print(fmt(summary_table(scored, recalled, "doc_id")))
    print("\nper unit (precision by the candidate's unit, recall by the curated unit)")
    print(
        fmt(
            summary_table(
                scored.assign(unit_key=scored["unit"]), recalled.assign(unit_key=recalled["unit"]), "unit_key"
            )
        )
    )
    right = scored[scored["right"]].merge(targets, on="target_id", suffixes=("", "_curated"))
    print("\nguessed fields on the right candidates (share agreeing with the curated row)")
    for column in ("unit", "comparator", "kind", "theme_id"):
        agree = (right[column] == right[f"{column}_curated"]).mean()
        print(f"  {column:12s} {agree:.3f}")
    # indicator: the guess and the curated indicator_zh name the same thing when one contains the other
    same = [bool(g) and (g in c or c in g) for g, c in zip(right["indicator"], right["indicator_zh"])]
    print(f"  {'indicator':12s} {sum(same) / len(same):.3f}   (guess and curated indicator_zh: one contains the other)")
    print(f"  {'value':12s} {(right['value'] == right['value_curated']).mean():.3f}")
    print("\nmisses (curated targets no candidate found)")
    for row in recalled[~recalled["found"]].itertuples():
        print(f"  {row.target_id:12s} {row.number_text:10s} {row.quote}")
    print("\nfalse candidates (no curated target overlaps with that value)")
    for row in scored[~scored["right"]].itertuples():
        print(f"  {row.doc_id:22s} {row.number_text:10s} {row.quote}")

    layouts()
    proposals(documents, tables, candidates)

    print("\nBASELINES (same texts, same scoring)")
    scanner = scanner_candidates(texts)
    k_scored, k_recalled = score(scanner, targets)
    k = prf(int(k_scored["right"].sum()), len(k_scored), int(k_recalled["found"].sum()), len(k_recalled))
    print(
        f"number scanner alone (every scan_numbers quantity, none of the extractor's rules): precision "
        f"{k['precision']:.3f}  recall {k['recall']:.3f}  F1 {k['f1']:.3f}   ({k['candidates']} candidates)"
    )
    digits = digits_candidates(texts)
    d_scored, d_recalled = score(digits, targets)
    d = prf(int(d_scored["right"].sum()), len(d_scored), int(d_recalled["found"].sum()), len(d_recalled))
    print(
        f"digits regex [0-9]+(.[0-9]+)?:  precision {d['precision']:.3f}  recall {d['recall']:.3f}  F1 {d['f1']:.3f}"
        f"   ({d['candidates']} candidates)"
    )
    money_targets = targets[targets["unit"] == "元"]
    mine = scored[scored["unit"] == "元"]
    m_scored, m_recalled = score(mine, money_targets)
    m = prf(int(m_scored["right"].sum()), len(m_scored), int(m_recalled["found"].sum()), len(m_recalled))
    print(f"money subset ({len(money_targets)} curated amounts in 元):")
    print(
        f"  extractor, candidates in 元: precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"
        f"   ({m['candidates']} candidates)"
    )
    money = jionlp_money(texts, args.jionlp_python)
    if money is None:
        print("  " + JIONLP_HELP.replace("\n", "\n  "))
    else:
        j_scored, j_recalled = score(money, money_targets)
        j = prf(int(j_scored["right"].sum()), len(j_scored), int(j_recalled["found"].sum()), len(j_recalled))
        print(
            f"  jionlp.ner.extract_money:    precision {j['precision']:.3f}  recall {j['recall']:.3f}  F1 {j['f1']:.3f}"
            f"   ({j['candidates']} candidates)"
        )
        for row in j_scored.itertuples():
            print(
                f"    {'right' if row.right else 'wrong':5s} {row.doc_id:22s} {row.text!s:14s} -> {row.value} {row.case}"
            )


def proposals(documents: pd.DataFrame, tables: dict, candidates: pd.DataFrame) -> None:
    """How many proposed commitment levels and component codes equal the curated ones (in-sample: the five
    curated documents, whose coding the rules were written next to)."""
    try:
        from analysis.extraction.proposals import agreement, propose_commitments, propose_components
    except ImportError:
        print("\nPROPOSED CODING: not in this version of the code")
        return
    from analysis.corpus import load_texts

    texts = load_texts(documents)
    levels, components = [], []
    for doc in documents.itertuples():
        body = (int(doc.body_char_start), int(doc.body_char_end))
        mine = candidates[candidates["doc_id"] == doc.doc_id]
        levels.append(propose_commitments(texts[doc.doc_id], doc.doc_id, *body, tables["themes"], mine))
        components.append(propose_components(texts[doc.doc_id], doc.doc_id, *body, tables["components"]))
    level = agreement(pd.concat(levels), tables["commitments"], ["doc_id", "theme_id"], "level")
    present = agreement(pd.concat(components), tables["document_components"], ["doc_id", "component"], "present")
    print("\nPROPOSED CODING against the curated coding (IN-SAMPLE: the five curated documents)")
    print(
        f"  commitment levels: {int(level['agree'].sum())} of {len(level)} equal ({level['agree'].mean():.3f}); "
        f"within one level: {(abs(level['level_proposed'].astype(int) - level['level_curated'].astype(int)) <= 1).mean():.3f}"
    )
    print(
        pd.crosstab(level["level_curated"], level["level_proposed"], rownames=["curated"], colnames=["proposed"])
        .to_string()
        .replace("\n", "\n    ")
        .join(["    ", ""])
    )
    print(
        f"  component presence: {int(present['agree'].sum())} of {len(present)} equal ({present['agree'].mean():.3f})"
    )
    print(
        pd.crosstab(
            present["present_curated"], present["present_proposed"], rownames=["curated"], colnames=["proposed"]
        )
        .to_string()
        .replace("\n", "\n    ")
        .join(["    ", ""])
    )


def layouts() -> None:
    """Per-field scores on made-up plans in other layouts (tests/made_up_plans.py): chapters and sections,
    text from a PDF (page furniture, broken lines, spaces before units), a table flattened to text.

    A PDF's text goes through the same line joining as `extract plan.pdf` when this code has it. A
    candidate matches an expected row when its number_text is the next unmatched one with that text."""
    from analysis.curated import load_table

    try:
        from analysis.extraction.ingest import join_broken_lines
    except ImportError:
        join_broken_lines = None
    themes = load_table("themes")
    print("\nMADE-UP PLANS IN OTHER LAYOUTS (tests/made_up_plans.py; invented text, expected rows written by hand)")
    print(
        f"  {'layout':16s} {'expected':>8s} {'found':>6s} {'extra':>6s} {'value':>6s} {'range':>6s} {'unit':>6s} "
        f"{'comparator':>10s} {'indicator':>9s}"
    )
    for name, (text, expected) in LAYOUTS.items():
        if name == "pdf_text" and join_broken_lines is not None:
            text = "\n".join(join_broken_lines(text.splitlines())) + "\n"
        found = extract_text(text, name, themes).candidates
        rows = list(
            found[["number_text", "value", "value_max", "unit", "comparator", "indicator"]].itertuples(
                index=False, name=None
            )
        )
        used, pairs = set(), []
        for exp in expected:
            for index, row in enumerate(rows):
                if index not in used and row[0] == exp[0]:
                    used.add(index)
                    pairs.append((exp, row))
                    break
        n = len(expected)
        agree = [sum(1 for e, r in pairs if e[k] == r[k]) for k in (1, 2, 3, 4)]
        indicator = sum(1 for e, r in pairs if e[5] in r[5])
        print(
            f"  {name:16s} {n:8d} {len(pairs):6d} {len(rows) - len(pairs):6d} "
            + " ".join(f"{a / n:6.2f}" for a in agree[:3])
            + f" {agree[3] / n:10.2f} {indicator / n:9.2f}"
        )
    print("  (each field: share of the expected rows whose candidate has it right; a missed row counts as wrong)")


# ---------------------------------------------------------------------------------------------
# Speed


def synthetic_corpus(texts: list[str], size_bytes: int, seed: int = 2024) -> str:
    """Clauses (the extractor's items: paragraphs and numbered items) of the texts, shuffled and
    repeated until the text has ``size_bytes`` bytes of UTF-8."""
    clauses = [text[a:b] for text in texts for a, b in item_spans(text)]
    clauses = [c if c.endswith("\n") else c + "\n" for c in clauses if c.strip()]
    rng = random.Random(seed)
    parts, size = [], 0
    while size < size_bytes:
        order = clauses[:]
        rng.shuffle(order)
        for clause in order:
            parts.append(clause)
            size += len(clause.encode("utf-8"))
            if size >= size_bytes:
                break
    return "".join(parts)


def _child_extract(path: str, queue) -> None:
    """In a fresh process: extract one file as the CSV command does; report times and peak memory."""
    from analysis.curated import load_table

    themes = load_table("themes")
    wall, cpu = time.perf_counter(), time.process_time()
    rows = chars = 0
    for summary, result in extract_file(Path(path), Path(path).name, themes, left_out=False):
        rows += len(result.candidates.to_csv(index=False, header=False, lineterminator="\n").splitlines())
        chars = summary.chars
    queue.put(
        {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "rows": rows,
            "chars": chars,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def measure_file(path: Path) -> dict:
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: its peak memory is the extraction's
    queue = context.Queue()
    process = context.Process(target=_child_extract, args=(str(path), queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def rates(nbytes: int, chars: int, seconds: float) -> str:
    return f"{chars / seconds:>12,.0f} chars/s  {nbytes / seconds / 1e6:6.2f} MB/s"


def speed(args: argparse.Namespace) -> None:
    tables = load_tables()
    documents, themes = tables["documents"], tables["themes"]
    paths = [raw_path(doc.raw_file) for doc in documents.itertuples()]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    corpus_bytes = sum(p.stat().st_size for p in paths)
    corpus_chars = sum(len(t) for t in texts)
    print("=" * 100)
    print(f"SPEED (one core unless said; {os.cpu_count()} cores here; load average {os.getloadavg()[0]:.2f})")
    for path in paths:  # warm up: imports, OpenCC, the parser's cache
        for _ in extract_file(path, path.name, themes, left_out=False):
            pass
    repeats = args.repeat
    best_cpu = best_wall = float("inf")
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        for path in paths:
            for _ in extract_file(path, path.name, themes, left_out=False):
                pass
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    print(f"corpus ({len(paths)} files, {corpus_chars:,} chars, {corpus_bytes / 1e6:.3f} MB), best of {repeats}:")
    print(f"  extractor  CPU  {rates(corpus_bytes, corpus_chars, best_cpu)}")
    print(f"  extractor  wall {rates(corpus_bytes, corpus_chars, best_wall)}")
    corpus_text = "\n".join(texts)
    wall = time.perf_counter()
    for _ in range(20):
        sum(1 for _ in NUMERAL_RE.finditer(corpus_text))
    floor = (time.perf_counter() - wall) / 20
    print(f"  numeral regex (floor)  {rates(corpus_bytes, corpus_chars, floor)}")

    with tempfile.TemporaryDirectory(prefix="extract-benchmark-") as folder:
        folder = Path(folder)
        size = int(args.size_mb * 1e6)
        big_text = synthetic_corpus(texts, size)
        big = folder / "synthetic.txt"
        big.write_text(big_text, encoding="utf-8")
        small = folder / "synthetic_tenth.txt"
        small.write_text(synthetic_corpus(texts, size // 10, seed=7), encoding="utf-8")
        nbytes = big.stat().st_size
        print(
            f"synthetic corpus: {nbytes / 1e6:.1f} MB, {len(big_text):,} chars "
            f"(clauses of the {len(paths)} texts shuffled and repeated; seed 2024)"
        )
        wall = time.perf_counter()
        matches = sum(1 for _ in NUMERAL_RE.finditer(big_text))
        floor = time.perf_counter() - wall
        print(f"  numeral regex (floor)  {rates(nbytes, len(big_text), floor)}   ({matches:,} numerals)")
        del big_text
        result = measure_file(big)
        print(f"  extractor  CPU  {rates(nbytes, result['chars'], result['cpu'])}   ({result['rows']:,} candidates)")
        print(f"  extractor  wall {rates(nbytes, result['chars'], result['wall'])}")
        tenth = measure_file(small)
        tiny = folder / "tiny.txt"
        tiny.write_text(texts[0][:1000], encoding="utf-8")
        base = measure_file(tiny)
        print(
            f"  peak memory (max RSS of the extracting process): {result['maxrss_mb']:.0f} MB on "
            f"{nbytes / 1e6:.0f} MB, {tenth['maxrss_mb']:.0f} MB on {small.stat().st_size / 1e6:.0f} MB, "
            f"{base['maxrss_mb']:.0f} MB on 1,000 characters (interpreter and libraries); "
            f"chunks of {DEFAULT_CHUNK_CHARS:,} characters cut at line ends"
        )
        if not args.skip_folder:
            parts = folder / "folder"
            parts.mkdir()
            text = big.read_text(encoding="utf-8")
            lines = text.splitlines(keepends=True)
            share = (len(lines) + args.files - 1) // args.files
            for index in range(args.files):
                (parts / f"plan_{index:02d}.txt").write_text(
                    "".join(lines[index * share : (index + 1) * share]), encoding="utf-8"
                )
            del text, lines
            wall = time.perf_counter()
            with open(os.devnull, "w", encoding="utf-8") as sink:
                run_extract([str(parts)], PROJECT_ROOT, sink, sink, progress=False)
            seconds = time.perf_counter() - wall
            print(
                f"  folder of {args.files} files on all {os.cpu_count()} cores (wall) "
                f"{rates(nbytes, result['chars'], seconds)}"
            )
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50, help="size of the synthetic corpus (default 50)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the corpus timing (best is kept)")
    parser.add_argument("--files", type=int, default=8, help="files in the all-cores folder run")
    parser.add_argument(
        "--jionlp-python",
        default=os.environ.get("JIONLP_PYTHON"),
        help="an interpreter with jionlp installed (a throw-away venv) for the money baseline",
    )
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-folder", action="store_true", help="leave out the all-cores folder run")
    args = parser.parse_args()
    if not args.skip_accuracy:
        accuracy(args)
    if not args.skip_speed:
        speed(args)


if __name__ == "__main__":
    main()
