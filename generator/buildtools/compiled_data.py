"""Write ``generator/data/compiled``: every YAML file of ``generator/data`` parsed, as JSON.

vanban reads a data file from its parsed copy when the copy was made from the file's very text (see
``resources.data_yaml``); after editing a data file, run this again (``make compiled-data``) so every process
reads it fast again — until then it is read from its YAML, and the test suite says the copy is out of date.

Run: ``python -m generator.buildtools.compiled_data``.
"""

from __future__ import annotations

import json
import sys

from .. import resources
from ..output import write_atomic

SOURCE = resources.data_file("")  # the folder of the data files


def compiled(text: str, name: str) -> str:
    """The parsed copy of a data file's text; a file whose objects JSON cannot carry as they are is refused."""
    data = resources.parse_data(text)
    if json.loads(json.dumps(data)) != data:
        raise ValueError(f"{name}: có giá trị JSON không giữ nguyên được (ngày tháng, khóa không phải chữ …)")
    return json.dumps({"source": resources.digest(text), "data": data}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def main() -> int:
    written = set()
    for path in sorted(SOURCE.glob("*.yaml")):
        copy = resources.compiled_file(path.name)
        written.add(copy)
        write_atomic(copy, compiled(path.read_text("utf-8"), path.name).encode("utf-8"), durable=False)
        print(f"{path.name} → {resources.COMPILED}/{copy.name}")
    for stale in resources.data_file(resources.COMPILED).glob("*.json"):
        if stale not in written:
            stale.unlink()  # the copy of a data file since removed
    return 0


if __name__ == "__main__":
    sys.exit(main())
