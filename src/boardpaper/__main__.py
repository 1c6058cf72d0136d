"""Allow ``python -m boardpaper``."""

from boardpaper.cli import main

main()
