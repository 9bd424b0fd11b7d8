"""Where sp_desktop keeps its files.

`AppPaths` is a plain value computed from the command line and the environment; building
one has no side effects (nothing is created until `ensure()` is called). `resource_path()`
is the one place that knows about PyInstaller's ``sys._MEIPASS``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "sp_desktop"
APP_AUTHOR = "sp_desktop"
HOME_ENV = "SP_DESKTOP_HOME"


def resource_root() -> Path:
    """The folder that holds ``resources/`` (the source tree or the frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``."""
    return resource_root().joinpath(*parts)


@dataclass(frozen=True)
class AppPaths:
    """The per-user data folder and the files inside it."""

    data_dir: Path

    @classmethod
    def from_options(cls, data_dir: str | os.PathLike[str] | None = None,
                     environ: dict[str, str] | None = None) -> AppPaths:
        env = os.environ if environ is None else environ
        if data_dir:
            return cls(Path(data_dir).expanduser().resolve())
        if env.get(HOME_ENV):
            return cls(Path(env[HOME_ENV]).expanduser().resolve())
        import platformdirs

        return cls(Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False)))

    @property
    def database_file(self) -> Path:
        return self.data_dir / "directory.sqlite3"

    @property
    def demo_database_file(self) -> Path:
        return self.data_dir / "demo" / "demo-directory.sqlite3"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings_file(self) -> Path:
        """Per-PC settings (window geometry, server address); practice settings live in the DB."""
        return self.data_dir / "local-settings.json"

    def ensure(self) -> AppPaths:
        for d in (self.data_dir, self.backup_dir, self.log_dir):
            d.mkdir(mode=0o700, parents=True, exist_ok=True)  # user-only (sp_desktop.private_files)
        return self
