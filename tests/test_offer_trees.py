"""The context model's boosted trees as numpy arrays (offer_classifier.TreeEnsemble).

train.py exports scikit-learn's fitted trees and checks on every fit that the
arrays score as the library does; these tests pin the walk itself on
hand-built trees, and that the shipped model carries its trees through a save
and a load.
"""

from __future__ import annotations

import numpy as np

from pipelines import offer_classifier as oc
from pipelines.offers_text import ShapePatterns


def _two_trees() -> oc.TreeEnsemble:
    # Tree 1 (nodes 0-4): x0 <= 0.5 ? (x1 <= 2 ? -1 : +1) : +2.   Tree 2 (nodes 5-7): x1 <= 1 ? -0.5 : +0.5.
    # Inner values: count-weighted means of the leaves below (counts 10/10/20 and 20/20).
    return oc.TreeEnsemble(
        feature=np.array([0, 1, -1, -1, -1, 1, -1, -1]),
        threshold=np.array([0.5, 2.0, 0, 0, 0, 1.0, 0, 0]),
        left=np.array([1, 2, 2, 3, 4, 6, 6, 7]),
        right=np.array([4, 3, 2, 3, 4, 7, 6, 7]),
        value=np.array([1.0, 0.0, -1.0, 1.0, 2.0, 0.0, -0.5, 0.5]),
        roots=np.array([0, 5]),
        depth=2,
        baseline=0.25,
    )


def test_rows_walk_to_their_leaves_and_sum_them():
    trees = _two_trees()
    x = np.array([[0.0, 0.0], [0.0, 3.0], [1.0, 0.0], [0.5, 2.0]])
    # [-1 -0.5, +1 +0.5, +2 -0.5, -1 +0.5] + baseline
    assert np.allclose(trees.raw(x), np.array([-1.5, 1.5, 1.5, -0.5]) + 0.25)


def test_contributions_add_up_to_the_score_less_the_trees_mean():
    trees = _two_trees()
    row = np.array([1.0, 0.0])
    parts = trees.contributions(row)
    # x0 moved tree 1 from 1.0 to 2.0; x1 moved tree 2 from 0.0 to -0.5.
    assert np.allclose(parts, [1.0, -0.5])
    mean = trees.value[trees.roots].sum() + trees.baseline
    assert np.isclose(parts.sum() + mean, trees.raw(row[None, :])[0])


def test_shipped_model_keeps_its_trees_through_save_and_load(tmp_path):
    model = oc.default_model()
    assert model is not None and model.context_trees is not None
    model.save(tmp_path / "m.npz")
    back = oc.OfferModel.load(tmp_path / "m.npz")
    lines = ["Subscribe now for 1 € a week", "The council met on Tuesday to discuss the budget.", "Sign in"]
    shapes = [oc.line_shape(line, ShapePatterns) for line in lines]
    kinds, drops = ["T"] * 3, [False] * 3
    assert np.allclose(back.scores(lines, shapes, kinds, drops)[0], model.scores(lines, shapes, kinds, drops)[0])


def test_complete_layout_walk_reaches_the_leaves_the_node_walk_does():
    # raw() walks the trees laid out as complete binary trees (TreeEnsemble._complete);
    # it must give, bit for bit, the values of the leaves the node-by-node walk reaches.
    rng = np.random.default_rng(13)
    for trees, width in ((_two_trees(), 2), (oc.default_model().context_trees, len(oc.CONTEXT_NAMES))):
        for n in (1, 3, 40):
            x = rng.normal(size=(n, width)) * 3
            x[:, : min(width, 5)] = np.round(x[:, : min(width, 5)])  # values on the thresholds too
            assert trees.leaf_values(x).tobytes() == trees.value[trees.leaves(x)].tobytes()
