"""The versions of what the tool makes, in one place, and what a bump of each invalidates.

Bump one when a change alters what it versions; the histories are in CHANGELOG.md.
Results made under another value are stale and made again; nothing of the analyst's
(corpus, link collection, annotations, exports) is ever touched."""

from __future__ import annotations

# Extraction's output (blocks, cleaning, structure, metadata). A bump rebuilds every entry of
# the extraction cache (results/extract-cache/) and, through classify's fingerprint, every
# document's results. Cache entries also carry a hash of the extract package's source, so an
# unreleased change never reads a stale entry either.
EXTRACTOR_VERSION = "4.0"

# How a document's sections become sentence rows (splitting, headings, lead-ins). A bump is
# part of classify's fingerprint: every document is classified again on the next run.
ALGORITHM = 8

# Features, estimator, threshold selection and calibration of the trained model. A bump
# changes the model id: the model is trained again, and every document is classified again.
MODEL_VERSION = 6

# The results store's tables (results/strategikompas.sqlite). A store of another version is
# started over on opening: it holds results only, which classify rebuilds.
SCHEMA_VERSION = 6
