"""boardpaper: council report content in YAML -> standard Word and PDF committee papers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("boardpaper")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
