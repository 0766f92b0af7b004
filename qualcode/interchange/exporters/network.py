"""Co-occurrence as a network for networkx, igraph and Gephi: GraphML and GEXF.

Nodes are codes (their path as the label, colour, how many units they were applied to); an edge
joins two codes that co-occur in at least one unit and carries the chosen measure as ``weight``
and the raw count as ``count``. Directed only for ``conditional`` (P(b | a) differs from P(a | b)).
Written with lxml in a fixed order, so the same matrix gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from qualcode.files import write_atomic

if TYPE_CHECKING:
    from qualcode.analysis.cooccurrence import Cooccurrence

NETWORK_FORMATS = ("graphml", "gexf")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"


def _edges(result: Cooccurrence, measure: str) -> list[tuple[int, int, float, int]]:
    """(i, j, weight, count) for every pair that co-occurs; both directions when directed."""
    values = result.measure(measure)
    directed = measure == "conditional"
    out = []
    n = len(result.codes)
    for i in range(n):
        for j in range(n):
            if i == j or (not directed and j < i):
                continue
            count = int(result.counts[i, j])
            weight = float(values[i, j])
            if count > 0 and math.isfinite(weight):
                out.append((i, j, weight, count))
    return out


def write_graphml(
    result: Cooccurrence,
    names: Mapping[int, str],
    colours: Mapping[int, str | None],
    measure: str,
    path: str | Path,
    *,
    description: str = "",
    like: Path | None = None,
) -> Path:
    g = f"{{{GRAPHML_NS}}}"
    root = etree.Element(g + "graphml", nsmap={None: GRAPHML_NS})  # type: ignore[dict-item]
    for key, target, name, kind in (
        ("label", "node", "label", "string"),
        ("colour", "node", "colour", "string"),
        ("frequency", "node", "frequency", "int"),
        ("weight", "edge", "weight", "double"),
        ("count", "edge", "count", "int"),
        ("description", "graph", "description", "string"),
    ):
        etree.SubElement(root, g + "key", id=key, attrib={"for": target, "attr.name": name, "attr.type": kind})
    directed = measure == "conditional"
    graph = etree.SubElement(root, g + "graph", id="cooccurrence", edgedefault="directed" if directed else "undirected")
    etree.SubElement(graph, g + "data", key="description").text = description
    for i, code in enumerate(result.codes):
        node = etree.SubElement(graph, g + "node", id=f"c{code}")
        etree.SubElement(node, g + "data", key="label").text = names[code]
        etree.SubElement(node, g + "data", key="colour").text = colours.get(code) or ""
        etree.SubElement(node, g + "data", key="frequency").text = str(int(result.counts[i, i]))
    for k, (i, j, weight, count) in enumerate(_edges(result, measure)):
        edge = etree.SubElement(
            graph, g + "edge", id=f"e{k}", source=f"c{result.codes[i]}", target=f"c{result.codes[j]}"
        )
        etree.SubElement(edge, g + "data", key="weight").text = repr(weight)
        etree.SubElement(edge, g + "data", key="count").text = str(count)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return write_atomic(path, data, like)


def write_gexf(
    result: Cooccurrence,
    names: Mapping[int, str],
    colours: Mapping[int, str | None],
    measure: str,
    path: str | Path,
    *,
    description: str = "",
    like: Path | None = None,
) -> Path:
    x = f"{{{GEXF_NS}}}"
    viz = "http://gexf.net/1.3/viz"
    root = etree.Element(x + "gexf", nsmap={None: GEXF_NS, "viz": viz}, version="1.3")  # type: ignore[dict-item]
    meta = etree.SubElement(root, x + "meta")
    etree.SubElement(meta, x + "creator").text = "qualcode"
    etree.SubElement(meta, x + "description").text = description
    directed = measure == "conditional"
    graph = etree.SubElement(root, x + "graph", defaultedgetype="directed" if directed else "undirected")
    attrs = etree.SubElement(graph, x + "attributes", attrib={"class": "node"})
    etree.SubElement(attrs, x + "attribute", id="frequency", title="frequency", type="integer")
    edge_attrs = etree.SubElement(graph, x + "attributes", attrib={"class": "edge"})
    etree.SubElement(edge_attrs, x + "attribute", id="count", title="count", type="integer")
    nodes = etree.SubElement(graph, x + "nodes")
    for i, code in enumerate(result.codes):
        node = etree.SubElement(nodes, x + "node", id=f"c{code}", label=names[code])
        values = etree.SubElement(node, x + "attvalues")
        etree.SubElement(values, x + "attvalue", attrib={"for": "frequency", "value": str(int(result.counts[i, i]))})
        colour = (colours.get(code) or "").lstrip("#")
        if len(colour) == 6:
            r, g, b = (int(colour[k : k + 2], 16) for k in (0, 2, 4))
            etree.SubElement(node, f"{{{viz}}}color", r=str(r), g=str(g), b=str(b))
    edges = etree.SubElement(graph, x + "edges")
    for k, (i, j, weight, count) in enumerate(_edges(result, measure)):
        edge = etree.SubElement(
            edges,
            x + "edge",
            id=f"e{k}",
            source=f"c{result.codes[i]}",
            target=f"c{result.codes[j]}",
            weight=repr(weight),
        )
        values = etree.SubElement(edge, x + "attvalues")
        etree.SubElement(values, x + "attvalue", attrib={"for": "count", "value": str(count)})
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return write_atomic(path, data, like)
