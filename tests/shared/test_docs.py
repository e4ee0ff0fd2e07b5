"""Generated docs stay true to the code."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_event_catalogue_is_current():
    mod = _load("gen_event_docs")
    assert mod.OUT.read_text(encoding="utf-8") == mod.render(), "run scripts/gen_event_docs.py"


def test_configuration_reference_is_current():
    mod = _load("gen_config_docs")
    assert mod.OUT.read_text(encoding="utf-8") == mod.render(), "run scripts/gen_config_docs.py"
