"""Tradeoff Atlas ingest pipeline: reader -> extractor -> embedder -> store -> topics."""
