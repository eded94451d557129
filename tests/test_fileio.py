"""Atomic writes: permissions of the files they leave behind."""

from __future__ import annotations

import os
import stat

from strategikompas.fileio import atomic_write_text


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_bug_files_were_private_0600(tmp_path):
    """Bug: mkstemp's temporary file is 0600 and the rename kept that, so exports and the
    link collection could not be read by colleagues sharing the folder."""
    old = os.umask(0o022)
    try:
        path = tmp_path / "eksport.csv"
        atomic_write_text(path, "kommune\n")
        assert _mode(path) == 0o644
        os.umask(0o077)
        atomic_write_text(tmp_path / "privat.csv", "kommune\n")
        assert _mode(tmp_path / "privat.csv") == 0o600  # the user's umask decides
    finally:
        os.umask(old)


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "linksamling.csv"
    path.write_text("gammel\n", encoding="utf-8")
    path.chmod(0o640)
    atomic_write_text(path, "ny\n")
    assert path.read_text(encoding="utf-8") == "ny\n"
    assert _mode(path) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["linksamling.csv"]  # no temporary file left


def test_a_held_lock_is_named_and_waited_for(tmp_path):
    """Another run changing the same file: the second waits, is told why, and goes on when the first is done."""
    import threading
    import time

    from strategikompas.fileio import locked

    target = tmp_path / "manifest.csv"
    said: list[str] = []
    order: list[str] = []
    entered = threading.Event()

    def first():
        with locked(target):
            entered.set()
            time.sleep(0.3)
            order.append("first")

    thread = threading.Thread(target=first)
    thread.start()
    entered.wait(5)
    with locked(target, on_wait=lambda lock: said.append(str(lock))):
        order.append("second")
    thread.join()
    assert order == ["first", "second"]
    assert said and said[0].endswith(".manifest.csv.lock")
