"""Live preview: report files in, HTML pages that follow every save out (``boardpaper preview``)."""
