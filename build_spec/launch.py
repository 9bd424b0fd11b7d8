"""Entry point of the frozen app (PyInstaller runs this file)."""

from sp_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
