"""The layers in DEVELOPERS.md are the import contract that `make lint` checks."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def _contract_layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [{m.strip().removeprefix("strategikompas.") for m in re.split(r"[|:]", layer)} for layer in contract["layers"]]


def _table_layers() -> list[set[str]]:
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    layers: dict[int, set[str]] = {}
    for number, modules in re.findall(r"^\| (\d+) \| ([^|]+) \|", text, re.MULTILINE):
        layers.setdefault(int(number), set()).update(m.strip("` /") for m in modules.split(","))
    return [layers[n] for n in sorted(layers)]


def test_developers_layout_table_is_the_import_contract():
    contract = _contract_layers()
    table = _table_layers()
    # the table's first layer holds __main__ and cli/, which the contract keeps apart (cli under __main__)
    assert [contract[0] | contract[1], *contract[2:]] == table


def test_every_module_has_a_layer():
    modules = {p.stem for p in (ROOT / "src" / "strategikompas").glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in (ROOT / "src" / "strategikompas").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert modules == set().union(*_contract_layers())
