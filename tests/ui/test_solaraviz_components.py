"""Mesa's plot components read ``CommunityModel.datacollector`` (no browser: ``solara.render``).

The browser test (test_solaraviz_browser.py) draws with Mesa's default matplotlib backend; this
one checks the altair backend, which reads the frame back with ``reset_index()`` and needs Mesa's
shape (the tick as an unnamed index): with an index named ``step`` it raised a KeyError.
"""

from __future__ import annotations


def test_mesa_altair_plot_component_draws_the_members_series():
    import solara
    import solara.widgets
    from mesa.visualization import make_plot_component

    from circlesim import CommunityModel

    model = CommunityModel(rng=1)
    for _ in range(3):
        model.step()
    make, page = make_plot_component("members", backend="altair")
    assert page == 0
    _, rc = solara.render(make(model), handle_error=False)
    spec = rc.find(solara.widgets.VegaLite).widget.spec
    (rows,) = spec["datasets"].values()
    assert [r["Step"] for r in rows] == [0, 1, 2, 3]
    assert [r["Value"] for r in rows] == model.to_frame()["members"].tolist()
