"""Allow ``python -m boardpaper``."""

from boardpaper.cli.main import main

main()
