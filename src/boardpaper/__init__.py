"""boardpaper: council report content in YAML -> standard Word and PDF committee papers."""

__version__ = "0.1.0"
"""This release; pyproject.toml reads it from here (``[tool.hatch.version]``)."""

__all__ = ["__version__"]
