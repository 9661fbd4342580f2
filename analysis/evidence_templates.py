"""Jinja2 templates of the evidence site (:mod:`analysis.evidence`): plain HTML and CSS, no JavaScript."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, StrictUndefined

_BASE = """<!DOCTYPE html>
<html lang="{{ 'zh-Hans' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · {{ t.site_title }}</title>
<link rel="stylesheet" href="{{ css }}">
</head>
<body>
<nav class="top"><a href="index.html">{{ t.site_title }}</a> · <a href="{{ '../' ~ other ~ '/' ~ page }}" lang="{{ 'en' if lang == 'zh' else 'zh-Hans' }}">{{ t.other_lang }}</a></nav>
<main>
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

_TABLE_MACRO = """{% macro grid(header, rows) -%}
<table>
<thead><tr>{% for h in header %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{%- endmacro %}"""

TEMPLATES = {
    "base.html": _BASE,
    "macros.html": _TABLE_MACRO,
    "landing.html": """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ text.zh.site_title }}</title>
<link rel="stylesheet" href="assets/site.css">
</head>
<body>
<main class="landing">
<h1><a href="zh/index.html">{{ text.zh.site_title }}(中文)</a></h1>
<p>{{ text.zh.intro }}</p>
<h1 lang="en"><a href="en/index.html">{{ text.en.site_title }} (English)</a></h1>
<p lang="en">{{ text.en.intro }}</p>
</main>
</body>
</html>
""",
    "index.html": """{% extends "base.html" %}{% block title %}{{ t.home }}{% endblock %}{% block main %}
<h1>{{ t.site_title }}</h1>
<p>{{ t.intro }}</p>
<h2 id="documents">{{ t.documents }}</h2>
<table>
<thead><tr><th scope="col">{{ t.documents }}</th><th scope="col">{{ column_label('title_zh', lang) }}</th><th scope="col">{{ column_label('genre', lang) }}</th><th scope="col">{{ column_label('period_label', lang) }}</th><th scope="col">{{ column_label('script', lang) }}</th><th scope="col">{{ column_label('body_chars', lang) }}</th><th scope="col">{{ column_label('clauses', lang) }}</th><th scope="col">{{ column_label('quantities', lang) }}</th><th scope="col">{{ column_label('quantities_per_10k_chars', lang) }}</th></tr></thead>
<tbody>
{% for d in documents %}<tr><td><a href="{{ d.href }}">{{ d.label }}</a></td><td>{{ d.title }}</td><td>{{ d.genre }}</td><td>{{ d.period }}</td><td>{{ d.script }}</td><td class="num">{{ d.chars }}</td><td class="num">{{ d.clauses }}</td><td class="num">{{ d.quantities }}</td><td class="num">{{ d.per_10k }}</td></tr>
{% endfor %}</tbody>
</table>
<h2 id="figures">{{ t.figures }}</h2>
<ul>
{% for f in figures %}<li><a href="{{ f.href }}">{{ page_title(f.stem, lang) }}</a></li>
{% endfor %}</ul>
<h2 id="tables">{{ t.tables }}</h2>
<ul>
{% for c in comparisons %}<li><a href="{{ c.href }}">{{ page_title(c.href[6:-5], lang) }}</a> ({{ c.rows }})</li>
{% endfor %}<li><a href="benchmarks.html">{{ t.benchmarks }}</a></li>
</ul>
<h2 id="indicators">{{ t.indicators }}</h2>
<table>
<thead><tr><th scope="col">{{ t.indicators }}</th><th scope="col">{{ column_label('unit', lang) }}</th><th scope="col">{{ t.members }}</th></tr></thead>
<tbody>
{% for g in indicators %}<tr><td>{{ g.name }}</td><td>{{ g.unit }}</td><td>{% for id, href in g.members %}<a href="{{ href }}">{{ id }}</a>{% if not loop.last %} {% endif %}{% else %}{{ t.no_rows }}{% endfor %}</td></tr>
{% endfor %}</tbody>
</table>
<h2 id="themes">{{ t.themes }}</h2>
<table>
<thead><tr><th scope="col">{{ t.themes }}</th><th scope="col">{{ t.focus }}</th><th scope="col">{{ t.clause_count }}</th><th scope="col">{{ t.quantities }}</th>{% if themes|selectattr('definition')|list %}<th scope="col">{{ t.definition }}</th>{% endif %}</tr></thead>
<tbody>
{% for th in themes %}<tr><td><span class="swatch t{{ th.style }}"></span>{{ th.name }}</td><td>{{ t.yes if th.focus else '' }}</td><td class="num">{{ th.clauses }}</td><td class="num">{{ th.quantities }}</td>{% if themes|selectattr('definition')|list %}<td>{{ th.definition }}</td>{% endif %}</tr>
{% endfor %}</tbody>
</table>
{% endblock %}
""",
    "document.html": """{% extends "base.html" %}{% block title %}{{ label }}{% endblock %}{% block main %}
<h1>{{ title }}</h1>
<p class="meta">{{ issuer }} · {{ genre }} · {{ period }} · {{ script }} · {{ t.raw_file }}: <code>data/raw/{{ doc.raw_file }}</code> · {{ t.characters }}: {{ char_count }} · sha256 <code>{{ doc.sha256[:12] }}</code></p>
<section class="legend" aria-label="{{ t.legend }}">
<p>{{ t.legend }}</p>
<ul>{% for style, name in legend %}<li><span class="swatch t{{ style }}"></span>{{ name }}</li>{% endfor %}
<li><span class="outside sample">{{ t.outside_body }}</span></li></ul>
<p><mark class="q sample">{{ t.mark_quantity }}</mark> <b class="n">{{ t.mark_number }}</b> <span class="x sample">{{ t.mark_excluded }}</span></p>
</section>
<h2>{{ t.raw_text }}</h2>
<div class="raw" lang="zh">{{ raw_html }}</div>
{% if simplified_html %}<h2>{{ t.simplified }}</h2>
<div class="raw simplified" lang="zh-Hans">{{ simplified_html }}</div>
{% endif %}
<h2 id="quantities">{{ t.quantity_list }} ({{ quantity_rows|length }})</h2>
{% if lang == 'zh' %}<p>{{ t.notes_elsewhere }}</p>{% endif %}
<table class="fields">
<thead><tr><th scope="col">{{ t.field }}</th><th scope="col">{{ t.quantities }}</th></tr></thead>
<tbody>
{% for q in quantity_rows %}<tr id="row-{{ q.id }}"><th scope="row"><a href="#{{ q.id }}">{{ q.id }}</a></th><td><span class="quote">{{ q.quote }}</span><dl>{% for k, v in q.fields %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl></td></tr>
{% endfor %}</tbody>
</table>
<h2 id="excluded">{{ t.excluded_list }} ({{ excluded_rows|length }})</h2>
<table>
<thead><tr><th scope="col">{{ t.position }}</th><th scope="col">{{ t.excluded }}</th><th scope="col">{{ 'Reason' if lang == 'en' else '排除理由' }}</th>{% if lang == 'en' %}<th scope="col">Notes</th>{% endif %}</tr></thead>
<tbody>
{% for x in excluded_rows %}<tr><td><a href="#{{ x.id }}">{{ x.position }}</a></td><td>{{ x.text }}</td><td>{{ x.reason }}</td>{% if lang == 'en' %}<td>{{ x.notes }}</td>{% endif %}</tr>
{% endfor %}</tbody>
</table>
{% endblock %}
""",
    "table.html": """{% extends "base.html" %}{% from "macros.html" import grid %}{% block title %}{{ title }}{% endblock %}{% block main %}
<h1>{{ title }}</h1>
{% if image %}<p><a href="{{ image }}"><img src="{{ image }}" alt="{{ title }}" class="figure"></a></p>
{% endif %}<h2>{{ subtitle }}</h2>
{{ grid(header, rows) }}
{% endblock %}
""",
    "benchmarks.html": """{% extends "base.html" %}{% block title %}{{ t.benchmarks }}{% endblock %}{% block main %}
<h1>{{ t.benchmark_sources }}</h1>
<table>
<thead><tr><th scope="col">{{ t.field }}</th><th scope="col">{{ t.source }}</th></tr></thead>
<tbody>
{% for b in rows %}<tr><th scope="row">{{ b.id }}</th><td>
<p><strong>{{ b.indicator }}</strong>{% if b.value %}: {{ b.comparator }} {{ b.value }}{{ b.unit }}{% endif %}{% if b.year %} ({{ b.year }}){% endif %}{% if b.group %} · {{ b.group }}{% endif %}</p>
<p><span class="bq" id="{{ b.id }}" lang="zh">{{ b.quote }}</span></p>
<p>{{ b.policy }} · {{ b.issuer }} · {{ b.issued }}</p>
<p>{{ t.source }}: <a href="{{ b.url }}">{{ b.url }}</a>{% if b.quality %} · {{ b.quality }}{% endif %}</p>
</td></tr>
{% endfor %}</tbody>
</table>
{% endblock %}
""",
    "site.css": """@font-face { font-family: "Noto Sans CJK SC Subset"; src: url("{{ font }}") format("opentype"); font-weight: 400; }
body { font-family: "Noto Sans CJK SC Subset", sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem 3rem; line-height: 1.7; color: #111; }
nav.top { padding: .5rem 0; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .2rem .4rem; vertical-align: top; text-align: left; max-width: 26rem; }
main > table { display: block; overflow-x: auto; }
td:has(.quote) { min-width: 16rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.raw { white-space: pre-wrap; word-break: break-all; border: 1px solid #bbb; padding: .8rem; font-size: 1rem; }
.c::before { content: "〔" attr(data-label) "〕"; font-size: .7rem; color: #444; }
.outside { color: #777; background: #eee; }
mark.q { background: #fff; color: #000; outline: 2px solid #000; padding: 0 1px; cursor: help; }
mark.q mark.q { outline: 2px solid #0072B2; }
mark.q[data-continued] { outline-style: dashed; }
mark.q:focus { outline: 3px solid #000; }
mark.q:focus::after { content: attr(data-tip); white-space: pre-line; display: block; position: absolute; z-index: 2; background: #fff; color: #000; border: 1px solid #000; padding: .4rem; font-size: .8rem; max-width: 30rem; }
b.n { font-weight: 700; text-decoration: underline; }
.x { outline: 1px dashed #555; }
.sample { padding: 0 .3rem; }
.swatch { display: inline-block; width: 1.2rem; height: .9rem; margin-right: .3rem; vertical-align: middle; border: 1px solid #555; }
.legend ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
.quote { font-family: inherit; }
img.figure { max-width: 100%; border: 1px solid #ddd; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 .8rem; margin: .3rem 0; }
dt { color: #444; }
dd { margin: 0; }
{% for n, tint, strong, line in palette %}.t{{ n }} { background: {{ tint }}; border-bottom: 2px {{ line }} {{ strong }}; }
{% endfor %}@media print { nav.top, .legend { display: none; } .raw { border: none; } mark.q:focus::after { content: none; } a { color: inherit; } }
""",
}


def environment() -> Environment:
    """The site's Jinja2 environment: autoescaped HTML, undefined names are errors."""
    return Environment(
        loader=DictLoader(TEMPLATES),
        autoescape=lambda name: name.endswith(".html"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
