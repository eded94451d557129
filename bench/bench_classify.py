"""`classify` on the bundled corpus: sentences per second, cold and warm, and where the time goes.

- cold: a fresh process classifies the whole corpus into an empty store (the trained model is
  already saved, as after the first run); it reports the time to import/load spaCy and
  scikit-learn and the model, and the rest.
- warm: in one process, after a first pass, the corpus is classified again into an empty
  store (pipeline and model loaded): the steady-state rate.
- baseline, same run: the same texts through the bare spaCy pipeline (`nlp.pipe`, sentence
  splitting and lemmas only). The ratio warm / baseline is the cost of classifying on top of
  tokenising.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "3"))

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from strategikompas import codebook, classify
from strategikompas.workspace import open_workspace
t_import = time.perf_counter()
import spacy, sklearn.linear_model  # noqa: E401
from strategikompas.nlp import pipeline
pipeline()
t_libs = time.perf_counter()
ws = open_workspace(sys.argv[1])
book = codebook.load(ws.codebook_path)
from strategikompas.classifier import load_or_train
load_or_train(ws.annotations_dir, book, ws.models_dir)
t_model = time.perf_counter()
classify.rebuild_store(ws)
run = classify.run(ws, [], book)
t_end = time.perf_counter()
print(json.dumps({"sentences": len(run.records), "total": t_end - t0, "load": t_model - t_import,
                  "import": t_import - t0, "classify": t_end - t_model}))
"""


def main() -> None:
    from strategikompas import classify, codebook
    from strategikompas.classifier import load_or_train
    from strategikompas.extract import extract_path
    from strategikompas.nlp import pipeline
    from strategikompas.workspace import init_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        book = codebook.load(ws.codebook_path)
        load_or_train(ws.annotations_dir, book, ws.models_dir)  # saved once, as after a first run
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        colds = []
        for _ in range(RUNS):
            out = subprocess.run([sys.executable, "-c", CHILD, str(ws.root)], env=env, check=True, capture_output=True, text=True)
            colds.append(json.loads(out.stdout.strip().splitlines()[-1]))
        cold = sorted(colds, key=lambda c: c["total"])[len(colds) // 2]

        nlp, _ = pipeline()
        classify.run(ws, [], book)  # warm up
        warm_times = []
        for _ in range(RUNS):
            classify.rebuild_store(ws)
            start = time.perf_counter()
            run = classify.run(ws, [], book)
            warm_times.append(time.perf_counter() - start)
        warm = sorted(warm_times)[len(warm_times) // 2]
        n = len(run.records)

        from strategikompas.corpus import load_manifest

        texts = [s.text for d in load_manifest(ws.manifest_path) for s in extract_path(d.path(ws.corpus)).sections]
        base_times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            n_base = sum(1 for doc in nlp.pipe(texts) for _ in doc.sents)
            base_times.append(time.perf_counter() - start)
        base = sorted(base_times)[len(base_times) // 2]

    print(f"corpus: {n} sentences in {len(texts)} sections (median of {RUNS} runs)")
    print(f"cold  (fresh process, empty store)  {cold['total']:6.2f} s  {cold['sentences'] / cold['total']:7.0f} sentences/s")
    print(f"      of which importing the tool   {cold['import']:6.2f} s")
    print(f"      loading spaCy, sklearn, model {cold['load']:6.2f} s  ({cold['load'] / cold['total']:.0%} of cold)")
    print(f"      extracting and classifying    {cold['classify']:6.2f} s")
    print(f"warm  (loaded, empty store)         {warm:6.2f} s  {n / warm:7.0f} sentences/s")
    print(f"baseline: bare spaCy nlp.pipe       {base:6.2f} s  {n_base / base:7.0f} sentences/s")
    print(f"ratio warm classify / bare spaCy    {(n / warm) / (n_base / base):6.2f} (rate)")


if __name__ == "__main__":
    main()
