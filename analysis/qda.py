"""REFI-QDA exchange: the corpus, the codebook and a reading as a ``.qdpx`` project (and a ``.qdc`` codebook),
and codings made in MAXQDA, ATLAS.ti, NVivo or QualCoder read back as a reading.

Positions. Each document's plain text inside the project (``sources/<guid>.txt``) is its raw file
from ``data/raw/`` byte for byte: UTF-8 without BOM, LF line ends (export refuses a raw file for which
that is not so). ``startPosition``/``endPosition`` are Unicode code points into that text, 0-based,
end exclusive: exactly the ``char_start``/``char_end`` of the curated tables, so ``text[start:end]``
is the clause. On import, a source whose text is not the stored text (a BOM, CRLF line ends, any
other edit) is refused with a message, because its positions would not fall on the stored text.

GUIDs are UUID 5 of the project's ids (theme, component, document, clause, reading), so they are the
same in every export. Codes: one per theme (the clause's primary theme), a sub-code
``<theme_id> (secondary)`` for a secondary theme, and a sub-code per component of the focus themes
(coded on the curated quote that shows it). Documents carry their region, genre and period, and the
reading's commitment level per theme, as variables.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pandas as pd

from analysis.coding_workbook import CodingImport
from analysis.paths import PROJECT_ROOT

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/edu-plans/analysis/refi-qda")
SCHEMA_DIR = PROJECT_ROOT / "schemas" / "refi-qda"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DOCUMENT_VARIABLES = {"region": "region_id", "genre": "genre", "period": "period_label"}
LEVEL_PREFIX = "commitment_level:"
SECONDARY_SUFFIX = " (secondary)"
MAX_PROJECT_BYTES = 200_000_000


class QdaError(ValueError):
    """A QDA file cannot be written or read; ``problems`` says where and why (nothing was written)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def guid(kind: str, *ids: str) -> str:
    """A stable GUID for one of the project's objects (UUID 5 of its kind and ids)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join((kind, *ids))))


def _element(tag: str, namespace: str = PROJECT_NS, **attributes):
    from lxml import etree

    node = etree.Element(f"{{{namespace}}}{tag}", nsmap={None: namespace})
    for key, value in attributes.items():
        node.set(key, str(value))
    return node


def _child(parent, tag: str, text: str | None = None, **attributes):
    from lxml import etree

    node = etree.SubElement(parent, f"{{{etree.QName(parent).namespace}}}{tag}")
    for key, value in attributes.items():
        node.set(key, str(value))
    if text is not None:
        node.text = text
    return node


def _theme_description(theme) -> str:
    return (
        f"{theme.name_zh} / {theme.name_en}\nDefinition: {theme.definition}\nIncludes: {theme.includes}\n"
        f"Excludes: {theme.excludes}"
    )


def _codes(parent, tables: dict[str, pd.DataFrame]) -> None:
    """The codebook's codes under ``parent`` (a Codes element): themes, secondary sub-codes, components."""
    components = tables["components"]
    for theme in tables["themes"].itertuples():
        code = _child(parent, "Code", guid=guid("theme", theme.theme_id), name=theme.theme_id, isCodable="true")
        _child(code, "Description", _theme_description(theme))
        secondary = _child(
            code,
            "Code",
            guid=guid("theme-secondary", theme.theme_id),
            name=theme.theme_id + SECONDARY_SUFFIX,
            isCodable="true",
        )
        _child(
            secondary, "Description", f"Secondary theme (the clause spends at least a sentence on it): {theme.name_en}"
        )
        for component in components[components["theme_id"] == theme.theme_id].itertuples():
            sub = _child(
                code, "Code", guid=guid("component", component.component), name=component.component, isCodable="true"
            )
            _child(
                sub,
                "Description",
                f"{component.name_zh} / {component.name_en}\nComponent of {theme.theme_id}: {component.definition}",
            )


def code_lookup(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    """GUIDs and names of every code → (variable, value); names are matched case-insensitively."""
    lookup: dict[str, tuple[str, str]] = {}
    for theme in tables["themes"].itertuples():
        for key in (guid("theme", theme.theme_id), theme.theme_id, theme.name_en, theme.name_zh):
            lookup[key.lower()] = ("primary_theme", theme.theme_id)
        for key in (guid("theme-secondary", theme.theme_id), theme.theme_id + SECONDARY_SUFFIX):
            lookup[key.lower()] = ("secondary_themes", theme.theme_id)
    for component in tables["components"].itertuples():
        for key in (guid("component", component.component), component.component, component.name_en, component.name_zh):
            lookup[key.lower()] = ("component_present", component.component)
    return lookup


def _schema(name: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def _check_schema(document, name: str, label: str) -> None:
    schema = _schema(name)
    if not schema.validate(document):
        raise QdaError([f"{label}: line {e.line}: {e.message}" for e in list(schema.error_log)[:10]])


def project_document(tables: dict[str, pd.DataFrame], texts: dict[str, str], reading_id: str, codes: pd.DataFrame):
    """The ``project.qde`` tree and the source texts (file name → bytes) of one reading."""
    from analysis import __version__
    from analysis.readings import curated_reading_id

    readings = tables["readings"].set_index("reading_id")
    coder = readings.loc[reading_id, "coder"]
    user = guid("reading", reading_id)
    root = _element(
        "Project",
        name="Chinese local education plans",
        origin=f"edu-plans-analysis {__version__}",
        creatingUserGUID=user,
    )
    _child(_child(root, "Users"), "User", guid=user, name=coder, id=reading_id)
    _codes(_child(_child(root, "CodeBook"), "Codes"), tables)
    variables = _child(root, "Variables")
    for name in DOCUMENT_VARIABLES:
        _child(variables, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text")
    levels = codes[codes["variable"] == "commitment_level"]
    level_themes = [t for t in tables["themes"]["theme_id"] if t in set(levels["unit_id"])]
    for theme in level_themes:
        variable = _child(
            variables,
            "Variable",
            guid=guid("variable", LEVEL_PREFIX + theme),
            name=LEVEL_PREFIX + theme,
            typeOfVariable="Integer",
        )
        _child(variable, "Description", f"Commitment level 0-3 of the document for {theme} (reading {reading_id})")
    if not len(variables):
        root.remove(variables)
    sources = _child(root, "Sources")
    files = {}
    clauses = tables["clauses"]
    by_unit = {
        (d, u, v): value for d, u, v, value in zip(codes["doc_id"], codes["unit_id"], codes["variable"], codes["value"])
    }
    components = tables["document_components"]
    with_components = reading_id == curated_reading_id(tables["readings"])
    for document in tables["documents"].itertuples():
        text = texts[document.doc_id]
        source_guid = guid("document", document.doc_id)
        files[f"{source_guid}.txt"] = text.encode("utf-8")
        source = _child(
            sources, "TextSource", guid=source_guid, name=document.doc_id, plainTextPath=f"internal://{source_guid}.txt"
        )
        _child(
            source,
            "Description",
            f"{document.title_zh}\nPlain text = data/raw/{document.raw_file} byte for byte "
            "(UTF-8, no BOM, LF). Positions: Unicode code points, 0-based, end exclusive.",
        )
        for clause in clauses[clauses["doc_id"] == document.doc_id].itertuples():
            primary = by_unit.get((document.doc_id, clause.clause_id, "primary_theme"))
            if primary is None:
                continue
            secondary = [
                t for t in by_unit.get((document.doc_id, clause.clause_id, "secondary_themes"), "").split(";") if t
            ]
            selection = _child(
                source,
                "PlainTextSelection",
                guid=guid("clause", reading_id, document.doc_id, clause.clause_id),
                name=f"clause {clause.clause_id}",
                startPosition=clause.char_start,
                endPosition=clause.char_end,
                creatingUser=user,
            )
            _child(selection, "Description", f"{clause.clause_type}: {clause.heading_path}".rstrip(": "))
            for n, (kind, theme) in enumerate([("theme", primary)] + [("theme-secondary", t) for t in secondary]):
                coding = _child(
                    selection,
                    "Coding",
                    guid=guid("coding", reading_id, document.doc_id, clause.clause_id, str(n)),
                    creatingUser=user,
                )
                _child(coding, "CodeRef", targetGUID=guid(kind, theme))
        if with_components:
            present = components[(components["doc_id"] == document.doc_id) & (components["present"] == "true")]
            for row in present.itertuples():
                selection = _child(
                    source,
                    "PlainTextSelection",
                    guid=guid("component", reading_id, document.doc_id, row.component),
                    name=f"component {row.component}",
                    startPosition=row.char_start,
                    endPosition=row.char_end,
                    creatingUser=user,
                )
                coding = _child(
                    selection,
                    "Coding",
                    guid=guid("coding", reading_id, document.doc_id, row.component),
                    creatingUser=user,
                )
                _child(coding, "CodeRef", targetGUID=guid("component", row.component))
        for name, column in DOCUMENT_VARIABLES.items():
            value = _child(source, "VariableValue")
            _child(value, "VariableRef", targetGUID=guid("variable", name))
            _child(value, "TextValue", str(getattr(document, column)))
        for theme in level_themes:
            level = by_unit.get((document.doc_id, theme, "commitment_level"))
            if level is None:
                continue
            value = _child(source, "VariableValue")
            _child(value, "VariableRef", targetGUID=guid("variable", LEVEL_PREFIX + theme))
            _child(value, "IntegerValue", level)
    _child(
        root,
        "Description",
        f"Reading {reading_id}: {readings.loc[reading_id, 'label_en']}. Coder: {coder} "
        f"({readings.loc[reading_id, 'coder_kind']}).",
    )
    return root, files


def _xml_bytes(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_atomic(path: Path, data: bytes) -> Path:
    from analysis.atomic import write_bytes_atomic

    write_bytes_atomic(Path(path), data)
    return Path(path)


def qdpx_bytes(
    tables: dict[str, pd.DataFrame], texts: dict[str, str], raw: dict[str, bytes], reading_id: str, codes: pd.DataFrame
) -> bytes:
    """A REFI-QDA project (zip: project.qde, sources/*.txt), validated against Project.xsd; same input, same bytes."""
    for doc_id, text in texts.items():
        if raw[doc_id] != text.encode("utf-8") or "\r" in text:
            raise QdaError(
                [
                    (
                        f"document {doc_id}: the raw file is not plain UTF-8 without BOM with LF line ends, "
                        "so positions in the exported text would not match the curated offsets"
                    )
                ]
            )
    root, files = project_document(tables, texts, reading_id, codes)
    _check_schema(root, "Project.xsd", "project.qde")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [("project.qde", _xml_bytes(root))] + [(f"sources/{n}", d) for n, d in sorted(files.items())]:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def codebook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """The codebook alone as a REFI-QDA ``.qdc``, validated against Codebook.xsd."""
    from analysis import __version__

    root = _element("CodeBook", CODEBOOK_NS, origin=f"edu-plans-analysis {__version__}")
    _codes(_child(root, "Codes"), tables)
    _check_schema(root, "Codebook.xsd", "codebook.qdc")
    return _xml_bytes(root)


def export_qda(
    root: Path = PROJECT_ROOT,
    project_path: Path | None = None,
    codebook_path: Path | None = None,
    reading_id: str | None = None,
) -> list[Path]:
    """Write a ``.qdpx`` of one reading (default: the curated one) and/or the ``.qdc`` codebook."""
    from analysis.corpus import load_texts, raw_path
    from analysis.curated import load_tables
    from analysis.readings import curated_reading_id, reading_codes

    tables = load_tables(root)
    written = []
    if project_path:
        reading_id = reading_id or curated_reading_id(tables["readings"])
        texts = load_texts(tables["documents"], root)
        raw = {row.doc_id: raw_path(row.raw_file, root).read_bytes() for row in tables["documents"].itertuples()}
        codes = reading_codes(tables, reading_id, texts)
        written.append(_write_atomic(project_path, qdpx_bytes(tables, texts, raw, reading_id, codes)))
    if codebook_path:
        written.append(_write_atomic(codebook_path, codebook_bytes(tables)))
    return written


# ---------------------------------------------------------------------------------------------
# Import


class QdaImport(CodingImport):
    """A reading read from a QDA project: its readings row, its codes, and notes for the user."""

    def summary_lines(self) -> list[str]:
        counts = self.codes["variable"].value_counts()
        return [
            f"reading {self.reading['reading_id']} (coder {self.reading['coder']}): "
            + ", ".join(f"{counts[v]} {v}" for v in counts.index)
        ]


def _read_project(path: Path) -> tuple[object, zipfile.ZipFile]:
    from lxml import etree

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise QdaError([f"{path}: not a REFI-QDA project (.qdpx is a zip file): {error}"]) from None
    if sum(info.file_size for info in archive.infolist()) > MAX_PROJECT_BYTES:
        raise QdaError([f"{path}: unpacks to more than {MAX_PROJECT_BYTES // 1_000_000} MB; refused"])
    projects = [n for n in archive.namelist() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
    if len(projects) != 1:
        raise QdaError(
            [f"{path}: expected one .qde project file at the top of the zip, found {len(projects) or 'none'}"]
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        document = etree.parse(io.BytesIO(archive.read(projects[0])), parser)
    except etree.XMLSyntaxError as error:
        raise QdaError([f"{path}: {projects[0]}: not well-formed XML: {error}"]) from None
    if document.docinfo.doctype:
        raise QdaError([f"{path}: {projects[0]}: a DOCTYPE declaration is refused"])
    schema = _schema("Project.xsd")
    if not schema.validate(document):
        raise QdaError([f"{path}: {projects[0]}, line {e.line}: {e.message}" for e in list(schema.error_log)[:10]])
    return document, archive


def _source_text(source, archive: zipfile.ZipFile, label: str, problems: list[str]) -> str | None:
    tag = f"{{{PROJECT_NS}}}PlainTextContent"
    inline = source.find(tag)
    if inline is not None:
        return inline.text or ""
    location = source.get("plainTextPath", "")
    if not location.startswith("internal://"):
        problems.append(
            f"{label}: the plain text is not inside the project ({location or 'no plainTextPath'}), "
            "so its positions cannot be checked against the stored text"
        )
        return None
    name = "sources/" + location[len("internal://") :]
    if name not in archive.namelist():
        problems.append(f"{label}: {name} is missing from the project")
        return None
    data = archive.read(name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"{label}: {name} is not UTF-8 (bad byte at {error.start})")
        return None
    return text


def _text_problem(text: str, stored: str, label: str) -> str | None:
    """Why the project's text of a document is not the stored text, or None when it is."""
    if text == stored:
        return None
    if text.startswith("\ufeff"):
        return (
            f"{label}: the text starts with a byte-order mark (BOM), which shifts every position by one; "
            "positions do not fall on the stored text (export without BOM, or code the project's own export)"
        )
    if "\r\n" in text and "\r\n" not in stored:
        return (
            f"{label}: the text has CRLF line ends (the stored text has LF), which shifts positions by one per "
            "line; positions do not fall on the stored text (export with LF line ends)"
        )
    first = next((i for i, (a, b) in enumerate(zip(text, stored)) if a != b), min(len(text), len(stored)))
    return (
        f"{label}: the text differs from the stored text from code point {first} on "
        f"({len(text)} vs {len(stored)} code points); positions would not fall on the stored text"
    )


def plan_qda_import(
    path: Path,
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    coder: str,
    *,
    blind: bool = False,
    coder_kind: str = "person",
    today: str | None = None,
) -> QdaImport:
    """Read a ``.qdpx`` and turn its codings into a reading; raise :class:`QdaError` on any problem."""
    import datetime as dt

    from analysis.coding_workbook import _codebook_version, reading_id_for

    path = Path(path)
    if not coder.strip():
        raise QdaError(["--coder must name the coder"])
    document, archive = _read_project(path)
    ns = {"q": PROJECT_NS}
    lookup = code_lookup(tables)
    problems: list[str] = []
    code_of: dict[str, tuple[str, str]] = {}
    for code in document.iterfind(".//q:CodeBook//q:Code", ns):
        mapped = lookup.get(code.get("guid", "").strip("{}").lower()) or lookup.get(
            code.get("name", "").strip().lower()
        )
        if mapped:
            code_of[code.get("guid").strip("{}").lower()] = mapped
    variables = {
        v.get("guid").strip("{}").lower(): v.get("name", "") for v in document.iterfind(".//q:Variables/q:Variable", ns)
    }
    docs = tables["documents"].set_index("doc_id")
    doc_by_key = {guid("document", d).lower(): d for d in docs.index} | {d.lower(): d for d in docs.index}
    doc_by_key |= {str(f).lower(): d for d, f in docs["raw_file"].items()}
    clauses = tables["clauses"]
    themes = set(tables["themes"]["theme_id"])
    reading_id = reading_id_for(coder, "qda")
    primary: dict[tuple[str, str], str] = {}
    secondary: dict[tuple[str, str], list[str]] = {}
    levels: dict[tuple[str, str], str] = {}
    components: set[tuple[str, str]] = set()
    unknown_codes: set[str] = set()
    coded_docs = []
    for source in document.iterfind(".//q:Sources/q:TextSource", ns):
        label = f"{path}: source '{source.get('name', '')}' ({source.get('guid')})"
        doc_id = doc_by_key.get(source.get("guid", "").strip("{}").lower()) or doc_by_key.get(
            source.get("name", "").lower()
        )
        if doc_id is None:
            problems.append(f"{label}: matches no document of the corpus by GUID, doc_id or raw file name")
            continue
        text = _source_text(source, archive, label, problems)
        if text is None:
            continue
        problem = _text_problem(text, texts[doc_id], label)
        if problem:
            problems.append(problem)
            continue
        coded_docs.append(doc_id)
        spans = clauses[clauses["doc_id"] == doc_id]
        starts, ends = spans["char_start"].astype(int).to_numpy(), spans["char_end"].astype(int).to_numpy()
        for selection in source.iterfind("q:PlainTextSelection", ns):
            where = f"{label}, selection '{selection.get('name', '')}' ({selection.get('guid')})"
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            if not 0 <= start < end <= len(text):
                problems.append(
                    f"{where}: positions {start}-{end} do not fall on the stored text "
                    f"(0 to {len(text)} code points, end exclusive)"
                )
                continue
            for coding in selection.iterfind("q:Coding", ns):
                target = coding.find("q:CodeRef", ns).get("targetGUID").strip("{}").lower()
                if target not in code_of:
                    unknown_codes.add(target)
                    continue
                variable, value = code_of[target]
                if variable == "component_present":
                    components.add((doc_id, value))
                    continue
                inside = [i for i in range(len(starts)) if starts[i] <= start and end <= ends[i]]
                if not inside:
                    overlapped = [
                        spans["clause_id"].iloc[i] for i in range(len(starts)) if starts[i] < end and start < ends[i]
                    ]
                    problems.append(
                        f"{where}: positions {start}-{end} ({text[start:end][:30]!r}) span several clauses "
                        f"({', '.join(overlapped)}); a theme is coded on one clause"
                    )
                    continue
                unit = (doc_id, spans["clause_id"].iloc[inside[0]])
                if variable == "primary_theme":
                    if unit in primary and primary[unit] != value:
                        problems.append(
                            f"{where}: clause {unit[1]} has two primary themes ({primary[unit]}, {value}); "
                            "code the others as '<theme_id> (secondary)'"
                        )
                    primary[unit] = value
                elif value not in secondary.setdefault(unit, []):
                    secondary[unit].append(value)
        for coding in source.iterfind("q:Coding", ns):
            target = coding.find("q:CodeRef", ns).get("targetGUID").strip("{}").lower()
            if code_of.get(target, ("",))[0] == "component_present":
                components.add((doc_id, code_of[target][1]))
            else:
                problems.append(f"{label}: a theme is coded on the whole document; code it on a clause")
        for value in source.iterfind("q:VariableValue", ns):
            name = variables.get(value.find("q:VariableRef", ns).get("targetGUID").strip("{}").lower(), "")
            if name.startswith(LEVEL_PREFIX) and name[len(LEVEL_PREFIX) :] in themes:
                number = value.find("q:IntegerValue", ns)
                if number is None or number.text is None or number.text.strip() not in {"0", "1", "2", "3"}:
                    problems.append(f"{label}, variable {name}: a commitment level is an integer 0-3")
                    continue
                levels[(doc_id, name[len(LEVEL_PREFIX) :])] = number.text.strip()
    if unknown_codes:
        names = sorted(
            {
                c.get("name", "")
                for c in document.iterfind(".//q:CodeBook//q:Code", ns)
                if c.get("guid", "").strip("{}").lower() in unknown_codes
            }
        )
        problems.append(
            f"{path}: code(s) {', '.join(names) or ', '.join(sorted(unknown_codes))} match no theme or "
            "component of the codebook by GUID or name"
        )
    for unit, values in secondary.items():
        if unit not in primary:
            problems.append(f"{path}: clause {unit[0]}/{unit[1]} has a secondary theme but no primary theme")
        elif primary[unit] in values:
            values.remove(primary[unit])
    if reading_id in set(tables["readings"]["reading_id"]):
        problems.append(f"{path}: a reading {reading_id!r} (coder {coder}) is already stored; choose another --coder")
    if problems:
        raise QdaError(problems)
    rows = []
    order = {(d, c): i for i, (d, c) in enumerate(zip(clauses["doc_id"], clauses["clause_id"]))}
    for unit in sorted(primary, key=order.get):
        rows.append((reading_id, *unit, "primary_theme", primary[unit], ""))
        if secondary.get(unit):
            rows.append((reading_id, *unit, "secondary_themes", ";".join(secondary[unit]), ""))
    theme_order = list(tables["themes"]["theme_id"])
    for unit in sorted(levels, key=lambda u: (coded_docs.index(u[0]), theme_order.index(u[1]))):
        rows.append((reading_id, *unit, "commitment_level", levels[unit], ""))
    if components:
        for doc_id in coded_docs:
            for component in tables["components"]["component"]:
                rows.append(
                    (
                        reading_id,
                        doc_id,
                        component,
                        "component_present",
                        "true" if (doc_id, component) in components else "false",
                        "",
                    )
                )
    codes = pd.DataFrame(rows, columns=["reading_id", "doc_id", "unit_id", "variable", "value", "notes"], dtype=object)
    variables_coded = [
        v
        for v in ("primary_theme", "secondary_themes", "commitment_level", "component_present")
        if v in set(codes["variable"])
    ]
    reading = {
        "reading_id": reading_id,
        "label_zh": f"{coder}的定性分析软件编码",
        "label_en": f"QDA-tool reading by {coder}",
        "coder": coder.strip(),
        "coder_kind": coder_kind,
        "method": f"Coded in a QDA tool and imported from a REFI-QDA project ({path.name}); codes mapped by GUID or name.",
        "coded_on": today or dt.date.today().isoformat(),
        "blind": "true" if blind else "false",
        "codebook_version": f"{_codebook_version(tables)} (the codebook at import)",
        "is_curated": "false",
        "variables": ";".join(variables_coded) or "primary_theme",
        "scope": "; ".join(coded_docs),
        "stored_in": "reading_codes",
        "adjudicates": "",
        "notes": "blind as declared by the importer"
        if blind
        else "not declared blind: the project the coder started from may have shown other codes",
    }
    return QdaImport(reading, codes)


def import_qda(
    path: Path,
    coder: str,
    root: Path = PROJECT_ROOT,
    *,
    blind: bool = False,
    dry_run: bool = False,
    coder_kind: str = "person",
    today: str | None = None,
) -> QdaImport:
    """Check a ``.qdpx`` and, unless ``dry_run``, store its codings as a reading; nothing is written on error."""
    from analysis.coding_workbook import store_reading
    from analysis.corpus import load_texts
    from analysis.curated import load_tables

    tables = load_tables(root)
    plan = plan_qda_import(
        Path(path),
        tables,
        load_texts(tables["documents"], root),
        coder,
        blind=blind,
        coder_kind=coder_kind,
        today=today,
    )
    if not dry_run:
        store_reading(plan.reading, plan.codes, root)
    return plan
