"""Shrink the ICU data library PySide6's Linux wheels ship (libicudata.so.73, 32 MB) to what
sp_desktop's Qt uses: build_spec/build_linux.sh runs it on the frozen app after PyInstaller.

    python build_spec/shrink_icu.py dist/sp_desktop/_internal/PySide6/Qt/lib/libicudata.so.73

Why it is safe: Qt 6 asks ICU only for collation (QCollator), locale-aware case mapping
(QLocale::toUpper/toLower), time-zone names and code pages named to QStringConverter. Qt breaks
text into words and lines with its own Unicode tables, and the leaflets are shaped by HarfBuzz in
reportlab, so ICU's break-iterator dictionaries (3.4 MB), transliterators (1.1 MB), character
names, rule-based number formats and the locale data of every language but English (the app's
only language) are never read. What is kept: the root and English locales, collation root data,
normalisation, time zones, the Windows and ISO 8859 code pages. The self-test of the frozen app
(window, search, a leaflet in Arabic, Urdu, Chinese and Polish) runs after this step.

Needs ICU's own tools (`icupkg`, `genccode`: the icu-devtools package) and a C compiler. Windows
and macOS builds are not touched: Qt there uses the system's ICU and ships none.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LOCALES = {"root", "en", "en_001", "en_150", "en_GB"}
LOCALE = re.compile(r"^(?:[a-z]{2,3}|root)(?:_[A-Za-z0-9]*)*\.res$")
#: Windows and ISO 8859 code pages (Qt's QStringConverter may ask ICU for them by name).
KEEP_CNV = re.compile(r"^(ibm-53(4[6-9]|5[0-4])_|ibm-9(12|13|14|15|20|23)_|iso-8859_|windows-125|cnvalias)")


def keep(name: str) -> bool:
    folder, _, base = name.rpartition("/")
    if base in ("pool.res", "res_index.res"):
        return True
    if folder in ("translit", "brkitr"):
        return False
    if folder == "rbnf" and base not in ("root.res", "en.res"):
        return False
    if base == "unames.icu":
        return False
    if base.endswith(".cnv"):
        return bool(KEEP_CNV.match(base))
    if LOCALE.match(base):
        return base[:-4] in KEEP_LOCALES
    return True


def _out(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def main(lib: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        symbols = _out("readelf", "-sW", str(lib))
        m = re.search(r"([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+DEFAULT\s+\d+\s+(icudt(\d+)_dat)",
                      symbols)
        if not m:
            sys.exit(f"{lib}: no ICU data symbol found")
        address, size, symbol, version = int(m.group(1), 16), int(m.group(2), 0), m.group(3), m.group(4)
        sections = _out("readelf", "-SW", str(lib))
        s = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
        offset = address - int(s.group(1), 16) + int(s.group(2), 16)
        data = lib.read_bytes()[offset:offset + size]
        whole = t / f"icudt{version}l.dat"
        whole.write_bytes(data)
        items = _out("icupkg", "-l", str(whole)).split()
        drop = [i for i in items if not keep(i)]
        (t / "drop.txt").write_text("\n".join(drop) + "\n")
        subprocess.run(["icupkg", "-r", str(t / "drop.txt"), str(whole)], check=True, cwd=t)
        subprocess.run(["genccode", "-e", f"icudt{version}", "-d", str(t), str(whole)], check=True)
        source = next(t.glob("*.c"))
        # genccode names the array after the file (icudt73l_dat); libicuuc looks up icudt73_dat.
        text = source.read_text()
        source.write_text(re.sub(rf"\bicudt{version}l_dat\b", symbol, text))
        subprocess.run(["gcc", "-shared", "-O0", "-o", str(t / lib.name), str(source),
                        f"-Wl,-soname,libicudata.so.{version}"], check=True)
        before = lib.stat().st_size
        lib.write_bytes((t / lib.name).read_bytes())
        print(f"{lib.name}: {before / 1e6:.1f} MB -> {lib.stat().st_size / 1e6:.1f} MB "
              f"({len(items) - len(drop)} of {len(items)} items kept)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
