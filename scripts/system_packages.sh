#!/usr/bin/env bash
# Debian packages the tests and reports use: headless Chromium and its driver (evidence site, browser tests,
# PDF of the methods appendix), poppler-utils (checks of the figure PDFs) and LibreOffice Calc without its
# desktop (recalculates the workbook's formulas in the tests). Installs only what is missing;
# on a machine without apt-get or root it says what to install and carries on.
set -euo pipefail
wanted=()
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
command -v chromedriver >/dev/null 2>&1 || wanted+=(chromium-driver)
command -v pdffonts >/dev/null 2>&1 || wanted+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || wanted+=(libreoffice-calc-nogui)
[ ${#wanted[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "[setup] installing Debian packages: ${wanted[*]} (once per machine) …"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
else
    echo "[setup] warning: please install ${wanted[*]} (Debian: apt-get install ${wanted[*]}); the tests that need them will fail" >&2
fi
