"""The on-disk cache of file facts, so a second data check only stats the files.

Facts (:mod:`.file_facts`) are keyed by path, byte size and mtime, in one JSON
file per dataset under ``~/.cache/attn_unet/data_check`` (``$ATTN_UNET_CACHE_DIR``
or ``data_check.cache_dir``); files not in the cache are read in parallel.
"""

import hashlib
import json
import os
import os.path as osp
from concurrent.futures import ThreadPoolExecutor

from attn_unet.fileio import write_text_atomically

from .file_facts import read_file_facts
from .report import one_line

__all__ = ['CACHE_ENV', 'CACHE_VERSION', 'MAX_WORKERS', 'FactsCache']

CACHE_ENV = 'ATTN_UNET_CACHE_DIR'
CACHE_VERSION = 1
MAX_WORKERS = 8


class FactsCache:
    """Facts of files keyed by path, byte size and mtime, in one JSON file per dataset.

    The file lives in ``cache_dir`` (or ``$ATTN_UNET_CACHE_DIR``, or
    ``~/.cache/attn_unet/data_check``); it is replaced atomically, a damaged
    or unwritable cache is ignored, and concurrent writers only lose each
    other's new entries.
    """

    def __init__(self, options: dict, img_dir: str, ann_dir: str | None):
        folder = (
            options.get('cache_dir')
            or os.environ.get(CACHE_ENV)
            or osp.join(osp.expanduser('~'), '.cache', 'attn_unet', 'data_check')
        )
        name = hashlib.sha1(f'{osp.abspath(img_dir)}|{ann_dir}'.encode()).hexdigest()[:16]
        self.path = osp.join(folder, f'{name}.json')
        self.entries = self._load()
        self.facts: dict = {}
        self.hits = self.reads = 0

    def _load(self) -> dict:
        try:
            with open(self.path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}
        ok = isinstance(data, dict) and data.get('version') == CACHE_VERSION
        return data.get('entries', {}) if ok else {}

    def __getitem__(self, path: str) -> dict:
        return self.facts[path]

    def read_all(self, jobs: list, num_workers: int | None) -> 'FactsCache':
        todo, fresh = [], {}
        for path, key in jobs:
            cache_key = f'{key["kind"]}|{key["backend"]}|{key.get("flag", "")}|{osp.abspath(path)}'
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                self.facts[path] = dict(missing=True)
                continue
            except OSError as exc:
                self.facts[path] = dict(error=exc.strerror or str(exc), unreadable=True)
                continue
            stamp = [stat.st_size, stat.st_mtime_ns]
            cached = self.entries.get(cache_key)
            if cached and cached[0] == stamp:
                self.facts[path] = cached[1]
                self.hits += 1
            else:
                todo.append((path, key, cache_key, stamp))
        workers = num_workers or min(MAX_WORKERS, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            results = pool.map(lambda job: _read_or_error(job[0], job[1]), todo)
            for (path, _, cache_key, stamp), facts in zip(todo, results):
                self.facts[path] = facts
                if 'error' not in facts:  # a bad file is re-read until it is fixed
                    fresh[cache_key] = [stamp, facts]
        self.reads = len(todo)
        if fresh:
            self._save(fresh)
        return self

    def _save(self, fresh: dict) -> None:
        entries = {**self._load(), **self.entries, **fresh}
        folder = osp.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            text = json.dumps(dict(version=CACHE_VERSION, entries=entries))
            write_text_atomically(self.path, text, unique=True)  # other processes may save too
        except OSError:
            pass  # an unwritable cache only costs the next run a re-read


def _read_or_error(path: str, key: dict) -> dict:
    try:
        return read_file_facts(path, key)
    except OSError as exc:
        return dict(error=exc.strerror or one_line(exc), unreadable=True)
