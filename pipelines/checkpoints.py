"""Per-file progress of an ingest, so a killed ingest resumes where it stopped.

One small JSON file per input file (named by a hash of its absolute path),
replaced atomically (write, fsync, rename): after a kill -9 it holds either
the previous state or the new one, never half of each. `offset` is the byte
where the first record not yet stored starts; everything before it is in the
database. Records between the last checkpoint and a kill are read again on
restart and written again, which the store's upsert on `canonical_url`
makes harmless (same body: `unchanged`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileCheckpoint:
    file: str
    offset: int = 0
    done: bool = False
    counts: Counter = field(default_factory=Counter)


def default_state_dir(env=None) -> Path:
    from pipelines.embedded_db import default_data_dir

    return default_data_dir(os.environ if env is None else env).parent / "ingest"


def _path_for(state_dir: Path, file: Path) -> Path:
    key = hashlib.sha1(str(Path(file).resolve()).encode()).hexdigest()[:20]
    return Path(state_dir) / f"{key}.json"


def load(state_dir: Path, file: Path) -> FileCheckpoint:
    path = _path_for(state_dir, file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return FileCheckpoint(data["file"], int(data["offset"]), bool(data["done"]), Counter(data.get("counts", {})))
    except FileNotFoundError:
        return FileCheckpoint(str(Path(file).resolve()))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: checkpoint of {file} is unreadable ({exc}); delete it to start the file over") from None


def save(state_dir: Path, checkpoint: FileCheckpoint) -> None:
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    path = _path_for(state_dir, Path(checkpoint.file))
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"file": checkpoint.file, "offset": checkpoint.offset, "done": checkpoint.done,
                   "counts": dict(checkpoint.counts)}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def forget(state_dir: Path, file: Path) -> None:
    _path_for(state_dir, file).unlink(missing_ok=True)
