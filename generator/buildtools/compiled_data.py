"""Write ``generator/data/compiled``: every YAML file of ``generator/data`` parsed, as JSON.

vanban reads a data file from its parsed copy when the copy was made from the file's very text (see
``resources.data_yaml``); after editing a data file, run this again (``make compiled-data``) so every process
reads it fast again — until then it is read from its YAML, and the test suite says the copy is out of date.

Run: ``python -m generator.buildtools.compiled_data``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import resources
from ..output import write_atomic

SOURCE = Path(resources.data_file("nd30-rules.yaml")).parent
OUT = SOURCE / resources.COMPILED


def compiled(text: str, name: str) -> str:
    """The parsed copy of a data file's text; a file whose objects JSON cannot carry as they are is refused."""
    data = resources.parse_data(text)
    if json.loads(json.dumps(data)) != data:
        raise ValueError(f"{name}: có giá trị JSON không giữ nguyên được (ngày tháng, khóa không phải chữ …)")
    return json.dumps({"source": resources.digest(text), "data": data}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    names = set()
    for path in sorted(SOURCE.glob("*.yaml")):
        name = resources.compiled_name(path.name)
        names.add(name)
        write_atomic(OUT / name, compiled(path.read_text("utf-8"), path.name).encode("utf-8"), durable=False)
        print(f"{path.name} → {resources.COMPILED}/{name}")
    for stale in OUT.glob("*.json"):
        if stale.name not in names:
            stale.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
