"""Small helpers shared by tests."""

from __future__ import annotations

import hashlib
from pathlib import Path


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit_target(root: Path, column: str, suffix: str) -> None:
    """Append ``suffix`` to one kindergarten-coverage target's ``column``, as a curator does in an editor."""
    from analysis.curated import load_table, write_tables

    targets = load_table("targets", root)
    row = targets.index[targets["indicator_group"].eq("kg_inclusive_coverage")][0]
    targets.loc[row, column] = (targets.loc[row, column] + suffix).strip()
    write_tables({"targets": targets}, root)


MADE_UP_TEXT = "测试县教育局2024年工作要点\n\n一、重点任务\n\n1.普惠性幼儿园覆盖率达到88%以上。\n\n2.深化县管校聘改革,交流轮岗教师50名。\n"


def add_made_up_region(root: Path) -> str:
    """Add a fifth, made-up region with one short plan to a project copy; return its doc_id.

    Every table gets its rows (region, document, clauses, two quantities, exclusions, a commitment
    level per theme), so the copy validates and the region must show up in every comparison.
    """

    from analysis.corpus import load_texts
    from analysis.curated import load_tables, write_tables
    from analysis.validate import uncovered_numbers

    raw = root / "data" / "raw" / "testcounty_2024_work_points.txt"
    raw.write_text(MADE_UP_TEXT, encoding="utf-8")
    text = MADE_UP_TEXT
    doc_id = "testcounty_2024_wp"
    tables = load_tables(root)

    def append(name: str, rows: list[dict]) -> None:
        import pandas as pd

        frame = tables[name]
        new = pd.DataFrame(
            [{column: row.get(column, "") for column in frame.columns} for row in rows],
            columns=list(frame.columns),
            dtype=object,
        )
        tables[name] = pd.concat([frame, new], ignore_index=True)
        write_tables({name: tables[name]}, root)

    append(
        "regions",
        [
            dict(
                region_id="testcounty_demo",
                name_zh="测试县",
                name_en="Test County",
                province_zh="测试省",
                province_en="Test Province",
                prefecture_zh="测试市",
                prefecture_en="Test City",
                admin_level_zh="县",
                admin_level_en="county",
            )
        ],
    )
    append(
        "documents",
        [
            dict(
                doc_id=doc_id,
                region_id="testcounty_demo",
                raw_file=raw.name,
                sha256=hashlib.sha256(raw.read_bytes()).hexdigest(),
                char_count=str(len(text)),
                body_char_start="0",
                body_char_end=str(len(text)),
                issuer_zh="测试县教育局",
                issuer_en="Test County Education Bureau",
                title_zh="测试县教育局2024年工作要点",
                title_en="Test County: 2024 work points",
                genre="annual_work_points",
                genre_zh="年度工作要点",
                genre_class="plan",
                published="2024-02-01",
                period_start_year="2024",
                period_end_year="2024",
                period_label="2024",
                script="simplified",
                notes="made up for a test",
                source_url="not recorded",
                accessed="not recorded",
                document_number="not recorded",
                publication_status="not recorded",
            )
        ],
    )
    cuts = [0, text.index("一、"), text.index("1."), text.index("2."), len(text)]
    ids = [
        ("title", "title", "overall_goals"),
        ("h1", "heading", "overall_goals"),
        ("1", "item", "kindergarten_coverage"),
        ("2", "item", "teacher_rotation"),
    ]
    append(
        "clauses",
        [
            dict(
                doc_id=doc_id,
                clause_id=i,
                clause_type=kind,
                heading_path="",
                char_start=str(cuts[n]),
                char_end=str(cuts[n + 1]),
                theme_id=theme,
            )
            for n, (i, kind, theme) in enumerate(ids)
        ],
    )
    quotes = [
        (
            "普惠性幼儿园覆盖率达到88%以上",
            "88%",
            "88",
            "%",
            ">=",
            "kindergarten_coverage",
            "kg_inclusive_coverage",
            "1",
            "share",
            "level_at_year",
        ),
        (
            "交流轮岗教师50名",
            "50名",
            "50",
            "名",
            "=",
            "teacher_rotation",
            "teacher_rotation_count",
            "2",
            "count",
            "flow_in_year",
        ),
    ]
    targets = []
    for n, (quote, number, value, unit, comparator, theme, group, clause, measure, basis) in enumerate(quotes, start=1):
        start = text.index(quote)
        targets.append(
            dict(
                target_id=f"TEST-T{n:03d}",
                doc_id=doc_id,
                kind="target",
                theme_id=theme,
                indicator_zh=quote[:6],
                indicator_en="made-up indicator",
                indicator_group=group,
                value=value,
                unit=unit,
                comparator=comparator,
                target_year="2024",
                number_text=number,
                quote=quote,
                char_start=str(start),
                char_end=str(start + len(quote)),
                clause_id=clause,
                measure=measure,
                basis=basis,
                group_fit="exact",
                quote_en="made-up gloss",
                quote_en_by="the test that made it up",
                quote_en_reviewed="false",
            )
        )
    append("targets", targets)
    levels = {"kindergarten_coverage": ("3", quotes[0][0]), "teacher_rotation": ("3", quotes[1][0])}
    commitments = []
    for theme in tables["themes"]["theme_id"]:
        if theme == "web_furniture":
            continue
        level, quote = levels.get(theme, ("0", ""))
        start = text.find(quote) if quote else -1
        commitments.append(
            dict(
                doc_id=doc_id,
                theme_id=theme,
                level=level,
                quote=quote,
                char_start=str(start) if quote else "",
                char_end=str(start + len(quote)) if quote else "",
                quote_en="made-up gloss" if quote else "",
                quote_en_by="the test that made it up" if quote else "",
                quote_en_reviewed="false" if quote else "",
            )
        )
    append("commitments", commitments)
    hiring = "深化县管校聘改革"
    append(
        "document_components",
        [
            dict(
                doc_id=doc_id,
                component=c,
                present="true" if c == "managed_hiring" else "false",
                quote=hiring if c == "managed_hiring" else "",
                char_start=str(text.index(hiring)) if c == "managed_hiring" else "",
                char_end=str(text.index(hiring) + len(hiring)) if c == "managed_hiring" else "",
                quote_en="deepen county-managed, school-hired reform" if c == "managed_hiring" else "",
                quote_en_by="the test that made it up" if c == "managed_hiring" else "",
                quote_en_reviewed="false" if c == "managed_hiring" else "",
            )
            for c in tables["components"]["component"]
        ],
    )
    tables = load_tables(root)
    missing = uncovered_numbers(
        tables["documents"], load_texts(tables["documents"], root), tables["targets"], tables["excluded_numbers"]
    )
    exclusions = tables["excluded_numbers"]
    extra = missing.rename(columns={"suggested_reason": "reason"})[
        ["doc_id", "char_start", "char_end", "text", "reason"]
    ]
    import pandas as pd

    write_tables(
        {"excluded_numbers": pd.concat([exclusions, extra.astype(str).assign(notes="")], ignore_index=True)}, root
    )
    return doc_id
