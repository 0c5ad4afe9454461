"""The dashboard's UI helpers: pages stay thin and call these plus `ingest.queries`."""
