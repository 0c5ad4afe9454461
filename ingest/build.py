"""`python -m ingest build`: the batch path for corpora one process cannot handle, on Ray Data.

    input parts (byte ranges of JSON lines, whole files otherwise)
      -> parse (map_batches, CPU tasks, a generator: a 4 GB part streams in blocks)
      -> extract (map_batches, CPU tasks, the pure `extract_batch`)
      -> embed (map_batches on an actor pool: the model loads once per actor; one GPU per actor when the
         cluster has GPUs, the ONNX CPU embedder otherwise)
      -> Parquet shards in a staging folder (each written whole, then renamed)
    then one DuckDB transaction loads the shards (`build_load.load_staging`).

Resumable: the staging folder is named by the inputs (names, contents, order), the extractor and the
embedder, so a run that is killed and started again finds the finished shards, parses its parts again
and drops every row a shard already holds. Nothing reaches the database until every part is done.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import staging, store
from .build_known import KnownFiles, known_positions, write_known
from .errors import IngestError
from .extract import EXTRACTOR_VERSION

PART_BYTES = 64 * 1024**2  # a byte range of JSON lines per parse task
BLOCK_RECORDS = 1000  # records per parsed block
EMBED_BATCH = 256
GPU_EMBED_BATCH = 1024
EMBED_ACTOR_MEMORY = 512 * 1024**2
_REPO = Path(__file__).resolve().parent.parent

Report = Callable[[str], None]


@dataclass
class Part:
    """One unit of parse work: bytes [start, end) of a JSON-lines file (`kind` set), or a whole file."""

    spec: int
    file_index: int
    path: str
    kind: str | None  # JSON-lines converter; None: any other format, read whole
    fmt: str | None  # --format override
    start: int = 0
    end: int | None = None
    first: int = 1


@dataclass
class InputFile:
    path: str
    name: str
    sha256: str
    lines: int | None  # non-blank lines of a JSON-lines file (an upper bound of its records): for the ETA


def expand(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """Files named, and every non-hidden file under the folders named, in a stable (sorted) order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(path).parts))
        elif path.is_file():
            out.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    if not out:
        raise IngestError("no input files")
    return out


def input_files(paths: Sequence[str | os.PathLike], db_path: Path) -> list[Path]:
    """`expand`, without the database, its WAL and its staging folder (a folder may hold them too)."""
    own = {db_path.resolve(), Path(str(db_path) + ".wal").resolve()}
    staging_parent = staging_root(db_path).resolve()
    files = [f for f in expand(paths) if f.resolve() not in own and staging_parent not in f.resolve().parents]
    if not files:
        raise IngestError("no input files (besides the database itself)")
    return files


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan_parts(files: Sequence[Path], fmt: str | None, part_bytes: int = PART_BYTES) -> tuple[list[InputFile], list[Part]]:
    """Cut the inputs into parse parts; JSON lines (plain) into line-aligned byte ranges."""
    from .readers import jsonfmt
    from .readers.stream import head, json_lines_kind, scan_ranges

    inputs, parts = [], []
    for file_index, path in enumerate(files):
        kind = json_lines_kind(head(path)) if fmt is None or fmt in jsonfmt.CONVERTERS else None
        lines = None
        if kind is not None:
            ranges, lines = scan_ranges(path, part_bytes)
            for r in ranges:
                parts.append(Part(len(parts), file_index, str(path), fmt or kind, fmt, r.start, r.end, r.first))
        else:
            parts.append(Part(len(parts), file_index, str(path), None, fmt))
        inputs.append(InputFile(str(path), path.name, file_sha256(path), lines))
    return inputs, parts


def build_key(inputs: Sequence[InputFile], parts: Sequence[Part], model: str) -> str:
    """Names the staging folder: the same inputs, cuts, extractor and embedder give the same shards."""
    blob = json.dumps(
        {"files": [(f.name, f.sha256) for f in inputs],
         "parts": [(p.file_index, p.start, p.end, p.kind, p.fmt) for p in parts],
         "extractor": EXTRACTOR_VERSION, "model": model, "shard_columns": staging.SCHEMA.names},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


# ---------------------------------------------------------------- stage functions (run in Ray workers)

_CACHE: dict[str, object] = {}


def _shared(ref) -> object:
    """A large read-only object (the finished rows) fetched once per worker process."""
    import ray

    if not isinstance(ref, ray.ObjectRef):
        return ref
    key = ref.hex()
    if key not in _CACHE:
        _CACHE[key] = ray.get(ref)
    return _CACHE[key]


def record_rows(part: Part, records, skipped, indexes, stored: set[int], texts: set[int], done: set[int]) -> list[dict]:
    """Shard rows for one parsed block: records (with identity and text keys, and whether the database has
    the paper or its text's vector: positions in `stored`, `texts`) and skipped records, leaving out the
    positions a finished shard already holds."""
    from .embedder import paper_text, text_key

    rows = []
    for record, position in zip(records, indexes):
        if position in done:
            continue
        title_key = store.normalise_title(record.title)
        rows.append({
            "spec": part.spec, "file_index": part.file_index, "position": position, "kind": "record",
            **{name: getattr(record, name) for name in
               ("title", "abstract", "authors", "date", "year", "arxiv_id", "doi", "url", "categories")},
            "title_key": title_key,
            "text_key": text_key(paper_text(record.title, record.abstract)),
            "known": position in stored,
            "text_stored": position in texts,
        })
    for s in skipped:
        if s.index not in done:
            rows.append({"spec": part.spec, "file_index": part.file_index, "position": s.index, "kind": "skipped",
                         "reason": s.reason, "title": s.title})
    return rows


def _table(rows: list[dict]):
    """Every stage hands on tables of the one shard schema, so blocks always concatenate."""
    return staging.to_table({name: [row.get(name) for row in rows] for name in staging.SCHEMA.names})


def _blocks(part: Part):
    """The parsed blocks of one part, streamed."""
    from .readers.stream import Range, iter_file, read_range

    if part.kind is not None:
        return read_range(Range(part.path, part.start, part.end, part.first), part.kind, BLOCK_RECORDS)
    return iter_file(part.path, part.fmt)


def stored_in_part(part: Part, known: KnownFiles | None, done: set[int]) -> tuple[set[int], set[int]]:
    """A first pass over the part (parsing costs a few per cent of extracting): the positions of its records whose paper,
    and whose text's vector, the database had when the build started, found by one DuckDB join per part."""
    from .embedder import paper_text, text_key

    if known is None:
        return set(), set()
    positions, keys, texts = [], [], []
    for block in _blocks(part):
        for record, position in zip(block.records, block.indexes):
            if position not in done:
                positions.append(position)
                keys.append(store.keys_of(record.arxiv_id, record.doi, store.normalise_title(record.title)))
                texts.append(text_key(paper_text(record.title, record.abstract)) if known.texts else None)
    return known_positions(known, positions, keys, texts)


def parse_part(batch: dict, known: KnownFiles | None, done_ref) -> object:
    """map_batches generator: one Part in, parsed blocks out (a meta row closes the part). `known`: the stored
    keys' files (None: a database with nothing to skip)."""
    from .errors import ParseError

    done_all = _shared(done_ref)
    for raw in batch["part"].to_pylist():
        part = Part(**json.loads(raw))
        done = done_all.get(part.spec, set())
        notes: list[str] = []
        fmt = part.kind
        try:
            stored, texts = stored_in_part(part, known, done)
            for block in _blocks(part):
                fmt = block.format
                notes += [n for n in block.notes if n not in notes]
                rows = record_rows(part, block.records, block.skipped, block.indexes, stored, texts, done)
                if rows:
                    yield _table(rows)
        except ParseError as exc:
            yield _table([{"spec": part.spec, "file_index": part.file_index, "position": 0, "kind": "error",
                           "reason": exc.problem}])
            continue
        if 0 not in done:
            yield _table([{"spec": part.spec, "file_index": part.file_index, "position": 0, "kind": "meta",
                           "reason": fmt, "notes": notes}])


def _todo(cols: dict[str, list]) -> list[int]:
    """Rows that are records no stored paper already has."""
    return [i for i, (kind, known) in enumerate(zip(cols["kind"], cols["known"])) if kind == "record" and not known]


def extract_rows(batch):
    """map_batches: extraction columns for the records no stored paper already has."""
    from .extract import extract_batch
    from .extract.derive import derive
    from .extract.plot_points import plotted_points

    cols = batch.to_pydict()
    todo = _todo(cols)
    rows = [{"title": cols["title"][i], "abstract": cols["abstract"][i]} for i in todo]
    for row, i, ex in zip(rows, todo, extract_batch(rows)):
        cols["extractor_version"][i] = EXTRACTOR_VERSION
        cols["method"][i] = ex["method"]
        cols["quality_note"][i] = ex["quality_note"]
        cols["domains"][i] = list(ex["domains"])
        cols["tradeoffs"][i] = list(ex["tradeoffs"])
        cols["n_claims"][i] = len(ex["claims"])
        cols["claims"][i] = json.dumps(ex["claims"])
        cols["points"][i] = json.dumps(plotted_points(row["abstract"] or "", ex["claims"], ex.get("points") or [],
                                                      ex["quality_note"]))
        for name, value in derive(ex).items():
            cols[name][i] = value
    return staging.to_table(cols)


class EmbedRows:
    """map_batches actor: the embedding model, loaded once per actor, over records with new texts."""

    def __init__(self):
        from .embedder import get_embedder

        self.embedder = get_embedder()

    def __call__(self, batch):
        from .embedder import paper_text

        cols = batch.to_pydict()
        first: dict[str, int] = {}
        for i in _todo(cols):
            key = cols["text_key"][i]
            if not cols["text_stored"][i] and key not in first:
                first[key] = i
        if first:
            texts = [paper_text(cols["title"][i], cols["abstract"][i]) for i in first.values()]
            vectors = self.embedder.embed(texts).astype(np.float32)
            for i, vector in zip(first.values(), vectors):
                cols["vector"][i] = vector.tolist()
                cols["model"][i] = self.embedder.name
        return staging.to_table(cols)


def write_rows(batch, staging_dir: str):
    """map_batches: one finished shard per batch; returns what it wrote (for the progress line)."""
    staging.write_shard(Path(staging_dir), batch)
    kinds = batch["kind"].to_pylist()
    errors = [r for k, r in zip(kinds, batch["reason"].to_pylist()) if k == "error"]
    return {"records": [sum(k in ("record", "skipped") for k in kinds)], "errors": [json.dumps(errors)]}


# ---------------------------------------------------------------- the driver

def init_ray(address: str | None, num_cpus: int | None) -> int:
    """Connect to the cluster at `address` / $RAY_ADDRESS, else start a local Ray. Returns the cluster's GPUs."""
    import logging

    import ray

    logging.getLogger("ray.data").setLevel(logging.WARNING)  # our progress line says what its INFO lines say
    if ray.is_initialized():
        return int(ray.cluster_resources().get("GPU", 0))
    address = address or os.environ.get("RAY_ADDRESS")
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if address:  # the cluster's workers get this package shipped, not the driver's file system
        import ingest

        runtime_env = {"py_modules": [str(Path(ingest.__file__).parent)], "env_vars": env}
        ray.init(address=address, runtime_env=runtime_env, logging_level="ERROR", log_to_driver=False)
    else:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_REPO), os.environ.get("PYTHONPATH", "")) if p)
        ray.init(num_cpus=num_cpus, include_dashboard=False, runtime_env={"env_vars": env},
                 logging_level="ERROR", log_to_driver=False)
    return int(ray.cluster_resources().get("GPU", 0))


def stages_dataset(parts: Sequence[Part], staging_dir: Path, known: KnownFiles | None,
                   done: dict[int, set[int]], gpus: int, embed: bool):
    """The Ray Data pipeline, not yet run: parts -> parse -> extract -> (embed) -> shards; each output row
    says what one shard holds."""
    import ray
    import ray.data

    done_ref = ray.put(done)
    items = [{"part": json.dumps(asdict(p))} for p in parts]
    ds = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
    # Parse and extract fuse into one task per part: the blocks a part parses into are extracted whole
    # (batch_size=None). A batch size here would make Ray bundle that many parts into each fused task (a
    # whole build in one task, on one CPU); apart, the two operators split a small node's CPUs between them.
    ds = ds.map_batches(parse_part, batch_size=1, batch_format="pyarrow",
                        fn_kwargs={"known": known, "done_ref": done_ref})
    ds = ds.map_batches(extract_rows, batch_size=None, batch_format="pyarrow")
    # The model's memory is reserved for the actor; that also keeps Ray from fusing the CPU tasks into it.
    embed_args = {"batch_format": "pyarrow", "memory": EMBED_ACTOR_MEMORY}
    if embed and gpus:  # one actor per GPU, each holding its model on its device
        ds = ds.map_batches(EmbedRows, batch_size=GPU_EMBED_BATCH, num_gpus=1,
                            compute=ray.data.ActorPoolStrategy(size=gpus), **embed_args)
    elif embed:  # one CPU actor: the ONNX embedder already spreads a batch over the node's cores. Ray gives an
        # actor one CPU by default; on a 1-CPU cluster that was the only one and no parse task ever ran.
        cpus = 1 if ray.cluster_resources().get("CPU", 0) >= 2 else 0
        ds = ds.map_batches(EmbedRows, batch_size=EMBED_BATCH, compute=ray.data.ActorPoolStrategy(size=1),
                            num_cpus=cpus, **embed_args)
    return ds.map_batches(write_rows, batch_size=None, batch_format="pyarrow", fn_kwargs={"staging_dir": str(staging_dir)})


def run_stages(parts: Sequence[Part], staging_dir: Path, known: KnownFiles | None,
               gpus: int, embed: bool, report: Report, total: int | None) -> list[str]:
    """Run the pipeline, reporting progress; returns the parse errors ('file: problem') it met."""
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = sys.stderr.isatty()
    done = staging.finished_rows(staging_dir)
    ds = stages_dataset(parts, staging_dir, known, done, gpus, embed)
    already = sum(len(v) for v in done.values())
    written, started, errors = 0, time.monotonic(), []
    for out in ds.iter_batches(batch_size=1, batch_format="pandas"):
        written += int(out["records"].sum())
        errors += [e for cell in out["errors"] for e in json.loads(cell)]
        report(progress_line(already + written, written, time.monotonic() - started, total))
    return errors


def progress_line(done: int, this_run: int, seconds: float, total: int | None) -> str:
    """'build: 12,000 / 2,700,000 records (0.4%), 210 records/s, ETA 3 h 33 min'."""
    rate = this_run / seconds if seconds > 0 else 0.0
    line = f"build: {done:,}" + (f" / {total:,} records ({100 * done / total:.1f}%)" if total else " records")
    line += f", {rate:,.0f} records/s"
    if total and rate > 0 and done < total:
        left = (total - done) / rate
        line += f", ETA {int(left // 3600)} h {int(left % 3600 // 60)} min" if left >= 3600 else f", ETA {int(left // 60)} min {int(left % 60)} s"
    return line


def staging_root(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".build")


def build(
    paths: Sequence[str | os.PathLike],
    db_path: Path,
    fmt: str | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
    embed: bool = True,
    samples: bool = True,
    report: Report = lambda line: None,
    part_bytes: int = PART_BYTES,
) -> list[store.IngestSummary]:
    """Build FILES/FOLDERS into the database through Ray, resuming a killed run of the same inputs."""
    from datetime import datetime, timezone

    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    inputs, parts = plan_parts(input_files(paths, Path(db_path)), fmt, part_bytes)
    is_new = not Path(db_path).exists()
    con = store.connect(db_path)
    try:
        if is_new and samples:
            from . import pipeline

            report("new database: adding the bundled samples first")
            pipeline.build_sample_database(con, _local_embedder() if embed else None)
    finally:
        con.close()  # the app may use the database while the cluster works

    import ray

    owns_ray = not ray.is_initialized()
    try:
        return _build(inputs, parts, db_path, address, num_cpus, embed, report, started_at)
    finally:
        if owns_ray:
            ray.shutdown()


def _build(inputs, parts, db_path, address, num_cpus, embed, report, started_at):
    import shutil

    from .build_load import load_staging

    gpus = init_ray(address, num_cpus)
    staging_dir = staging_root(Path(db_path)) / build_key(inputs, parts, f"embed={embed},gpu={bool(gpus)}")
    resumed = bool(staging.shard_files(staging_dir))
    embedding = ("GPU" if gpus else "CPU") + " embedding" if embed else "no embedding"
    report(f"build: {len(inputs)} files, {len(parts)} parts, {embedding}"
           f"{', resuming ' + str(len(staging.shard_files(staging_dir))) + ' finished shards' if resumed else ''}")
    total = sum(f.lines for f in inputs) if all(f.lines is not None for f in inputs) else None
    con = store.connect(db_path)
    try:  # the stored keys go to files the parse tasks join against; Python never holds them
        known = write_known(con, staging_dir / "known", texts=embed)
    finally:
        con.close()
    try:
        errors = run_stages(parts, staging_dir, known, gpus, embed, report, total)
    except Exception as exc:  # a worker failed: Ray wraps the cause; the finished shards stay for a re-run
        import ray.exceptions

        if not isinstance(exc, ray.exceptions.RayError):
            raise
        raise IngestError(f"the build failed in a Ray worker ({str(exc).strip().splitlines()[-1][:300]}); "
                          "finished shards are kept: run the same command again to resume") from exc
    if errors:
        raise IngestError("; ".join(errors))

    report("build: loading the shards into the database (one transaction)")
    con = store.connect(db_path)
    try:
        summaries = load_staging(con, staging_dir, [f.name for f in inputs], [f.sha256 for f in inputs],
                                 len(parts), started_at, embed)
    finally:
        con.close()
    shutil.rmtree(staging_dir, ignore_errors=True)
    if not any(staging_dir.parent.iterdir()):
        staging_dir.parent.rmdir()
    return summaries


def _local_embedder():
    from .embedder import get_embedder

    return get_embedder()
