"""Stage 6, meetings: a meeting file in, agenda and document packs (bytes) out."""
