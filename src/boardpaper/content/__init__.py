"""Stage 3, content: located nodes and a template in, the validated, numbered ``Paper`` out."""
