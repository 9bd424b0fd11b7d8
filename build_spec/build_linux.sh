#!/usr/bin/env bash
# Build the one-folder app with PyInstaller and prove it works: dist/sp_desktop/sp_desktop selftest
#   build_spec/build_linux.sh            (uses .venv; set VENV=... for another)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
test -x "$VENV/bin/pyinstaller" || "$VENV/bin/python" -m pip install --quiet 'pyinstaller>=6.6'
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller build_spec/sp_desktop.spec
# ICU's data for English only (32 MB -> 4 MB; see build_spec/shrink_icu.py for what Qt asks of it)
ICU_DATA_LIB=dist/sp_desktop/_internal/PySide6/Qt/lib/libicudata.so.73
if [ -f "$ICU_DATA_LIB" ]; then
    if command -v icupkg >/dev/null && command -v genccode >/dev/null && command -v gcc >/dev/null; then
        "$VENV/bin/python" build_spec/shrink_icu.py "$ICU_DATA_LIB"
    else
        echo "Note: icupkg, genccode or gcc not found (apt-get install icu-devtools gcc):" \
             "ICU's data is left whole (+28 MB)."
    fi
fi
# the frozen app's own self-test: window off screen, migrations, demo, search, leaflet, QtPdf
env -u PYTHONPATH QT_QPA_PLATFORM=offscreen dist/sp_desktop/sp_desktop selftest
echo "Build size: $(du -sh dist/sp_desktop | cut -f1)  (dist/sp_desktop)"
