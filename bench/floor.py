"""The floor: compose every YAML file of a tree with libyaml (PyYAML's CSafeLoader), constructing nothing.

Any checker that knows where each key stands must do at least this much; run as a
whole process (interpreter start and PyYAML's import included), like goalspec.
"""

import sys
from pathlib import Path

import yaml

for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.compose_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
