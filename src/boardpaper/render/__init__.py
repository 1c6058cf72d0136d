"""Stage 4, rendering: a ``Paper`` and its template in, .docx, HTML and tagged PDF bytes out."""
