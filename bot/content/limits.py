"""Limits on a conversation file, so a mistaken or hostile one cannot hold the bot up.

YAML aliases let eleven lines stand for millions of nodes (an "alias bomb"): PyYAML builds them as shared
objects in no time, but everything that walks the result (line numbers, validation, texts) visits each copy.
The document's node graph is measured before anything is built from it: too many aliases, or too many nodes
once aliases are expanded, and the file is refused with the line where the limit was crossed. A file larger
than any real conversation is refused before it is parsed.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000  # the largest sample conversation is some 30 kB
MAX_ALIASES = 200  # references to an anchor; content rarely uses any
MAX_NODES = 200_000  # after expanding aliases; a real round has a few thousand


class TooLarge(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise TooLarge(1, f"the file is {size:,} bytes; a conversation file may have at most {MAX_FILE_BYTES:,}")


def load_limited(text: str, loader_class: type[yaml.SafeLoader]) -> Any:
    """Like `yaml.load(text, Loader=loader_class)`, but measured before it is built (TooLarge if over a limit)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _measure(root: yaml.Node) -> None:
    """Count nodes as if every alias were copied out, and the aliases themselves; iterative, so depth is free."""
    sizes: dict[int, int] = {}
    seen: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, bool, yaml.Node]] = [(root, False, root)]
    on_path: set[int] = set()
    while stack:
        node, children_done, parent = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            sizes[key] = total
            if total > MAX_NODES:
                raise TooLarge(
                    node.start_mark.line + 1,
                    f"this part stands for more than {MAX_NODES:,} values once its aliases (*name) are expanded",
                )
            continue
        if key in seen:  # an alias: the line is where it is used, not where its anchor is
            aliases += 1
            if aliases > MAX_ALIASES:
                raise TooLarge(parent.start_mark.line + 1, f"more than {MAX_ALIASES} aliases (*name) in one file")
            if key in on_path:
                raise TooLarge(parent.start_mark.line + 1, "an alias (*name) refers to itself")
            continue
        seen.add(key)
        on_path.add(key)
        stack.append((node, True, parent))
        stack.extend((child, False, node) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
