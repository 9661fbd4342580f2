"""Screenshots of the evidence site for the README: docs/evidence_index.png and docs/evidence_document.png.

Run after ``python -m analysis evidence``:  .venv/bin/python scripts/evidence_screenshots.py
Uses the Debian chromium and chromium-driver (scripts/system_packages.sh) through selenium, headless.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "reports" / "evidence"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=1200,900",
]


def main(quantity: str = "AN23-T027") -> int:
    sys.path.insert(0, str(ROOT))
    from analysis.curated import load_tables

    targets = load_tables(ROOT)["targets"].set_index("target_id")
    if not (SITE / "index.html").is_file():
        print("build the site first: .venv/bin/python -m analysis evidence", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as profile:
        options = Options()
        options.binary_location = shutil.which("chromium")
        for flag in FLAGS + [f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        try:
            driver.get((SITE / "zh" / "index.html").as_uri())
            driver.save_screenshot(str(ROOT / "docs" / "evidence_index.png"))
            doc = targets.loc[quantity, "doc_id"]
            driver.get((SITE / "zh" / f"{doc}.html").as_uri() + f"#{quantity}")
            driver.execute_script(
                "const m = document.getElementById(arguments[0]); m.focus();window.scrollBy(0, -250);", quantity
            )
            driver.save_screenshot(str(ROOT / "docs" / "evidence_document.png"))
        finally:
            driver.quit()
    print("wrote docs/evidence_index.png, docs/evidence_document.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
