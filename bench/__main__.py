"""Run every benchmark module in bench/ (``python -m bench [name ...]``)."""

import importlib
import pkgutil
import sys

import bench


def main() -> None:
    wanted = set(sys.argv[1:])
    for mod in sorted(m.name for m in pkgutil.iter_modules(bench.__path__)):
        if mod in ("common", "__main__") or mod.startswith("_") or (wanted and mod not in wanted):
            continue
        print(f"\n===== bench.{mod} =====", flush=True)
        importlib.import_module(f"bench.{mod}").main()


if __name__ == "__main__":
    main()
