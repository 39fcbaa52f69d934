"""Where vanban's own files are: the one module that knows, for every kind of install.

The repository keeps ``templates_docx/`` (the .docx templates) and ``data/`` (the national registries
``data/vn-2025`` and the sample plans) at its top level; ``pyproject.toml`` maps them into the package at
build time, as ``generator/templates_docx`` and ``generator/datasets``, so a wheel or a plain
``pip install .`` carries them. In a checkout or an editable install (``pip install -e .``) the package is
the source folder and those two folders are still where the repository keeps them, beside it. Everything
else (unit kinds, rules, profiles, wording: ``generator/data``; the web app's pages and assets) lives in
the package in every install.

Everything is found through :func:`importlib.resources.files`; nothing walks up from a source file.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

PACKAGE = "generator"
NATIONAL_SET = "vn-2025"
# A built-in registry named in a plan: a folder of the shipped data and a file in it ("vn-2025/gia-lai").
BUILT_IN_NAME = re.compile(r"^(?P<set>[a-z0-9][a-z0-9-]*)/(?P<name>[a-z0-9][a-z0-9-]*)(?:\.yaml)?$")


def package() -> Path:
    """The folder of the installed ``generator`` package (a real folder: vanban is not run from a zip)."""
    return Path(str(resources.files(PACKAGE)))


def _mapped(inside: str, source: str) -> Path:
    """A repository folder mapped into the package at build time: inside the package when installed from a
    wheel, beside it in a checkout or an editable install."""
    root = package()
    built = root / inside
    if built.is_dir():
        return built
    checkout = root.parent / source
    return checkout if checkout.is_dir() else built


def templates() -> Path:
    """The .docx templates (``templates_docx/`` of the repository)."""
    return _mapped("templates_docx", "templates_docx")


def datasets() -> Path:
    """The shipped data (``data/`` of the repository): the registries of 2025 and the sample plans."""
    return _mapped("datasets", "data")


def national() -> Path:
    """The registries of the 34 provinces and cities of 2025 (``data/vn-2025``)."""
    return datasets() / NATIONAL_SET


def data_file(name: str) -> Path:
    """A file of ``generator/data`` (unit kinds, rules, profiles, wording, layout, font metrics)."""
    return Path(str(resources.files(f"{PACKAGE}.data").joinpath(name)))


def data_text(name: str) -> str:
    return resources.files(f"{PACKAGE}.data").joinpath(name).read_text("utf-8")


# libyaml's parser when PyYAML has it: the data files are read in every process, and Python's own parser
# took some 150 ms of a first check for the rule catalogue and the wording (same safe types either way)
_DATA_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_data(text: str):
    """YAML text vanban ships (or wrote itself), as ``yaml.safe_load`` reads it."""
    return yaml.load(text, Loader=_DATA_LOADER)


# Each YAML file of ``generator/data`` also ships parsed, as JSON in ``generator/data/compiled`` (``make
# compiled-data``): libyaml makes the rule catalogue's objects in some 6 ms, JSON the same ones in 0.3, and every
# process reads them. A parsed copy is used only when it was made from the very text of its file (its digest),
# so a file edited since is read from its YAML, as before.
COMPILED = "compiled"


def compiled_name(name: str) -> str:
    """The parsed copy's file name: ``nd30-rules.yaml`` → ``nd30-rules.json``."""
    return f"{name.rsplit('.', 1)[0]}.json"


def compiled_file(name: str) -> Path:
    """Where the parsed copy of the data file ``name`` is (``make compiled-data`` writes it)."""
    return data_file(COMPILED) / compiled_name(name)


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def data_yaml(name: str):
    """A YAML file of ``generator/data``, parsed (from its parsed copy when that was made from this text)."""
    text = data_text(name)
    try:
        kept = json.loads(compiled_file(name).read_text("utf-8"))
    except (OSError, ValueError):
        kept = None
    if isinstance(kept, dict) and kept.get("source") == digest(text):
        return kept.get("data")
    return parse_data(text)


@lru_cache(maxsize=None)
def data_model(model, name: str):
    """A YAML file of ``generator/data`` validated as the pydantic ``model`` (wording files), read once."""
    return model.model_validate(data_yaml(name))


def web_assets() -> Path:
    """The web app's folder: its page templates in ``templates/``, its CSS and JavaScript in ``static/``."""
    return package() / "web"


def built_in_registry(name: str) -> Path | None:
    """The shipped registry a plan names without a path (``units: vn-2025/gia-lai``), or None when ``name``
    is not such a name or no such registry is shipped."""
    match = BUILT_IN_NAME.match(name.strip())
    if not match:
        return None
    path = datasets() / match["set"] / f"{match['name']}.yaml"
    return path if path.is_file() else None
