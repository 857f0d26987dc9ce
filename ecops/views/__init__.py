"""Language-free page views: what each page shows, built from the analyses, rendered twice.

See :mod:`ecops.views.overview` for the pattern every page follows, :mod:`ecops.views.model` for
the dataclasses, :mod:`ecops.ui.render` and :mod:`ecops.render.html` for the two renderers.
:data:`BUILDERS` maps a page (and report section) name to its view builder
``build(ds, filters, **params) -> View``; pages not listed still use their module's
``html_sections`` in the report.
"""

from __future__ import annotations

from collections.abc import Callable

from ecops.views import logistics, overview, portrait, pricing, profit, promotions, satisfaction, segments, warehouse
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, Tone, Value, View
from ecops.views.sections import guarded, with_top

__all__ = ["BUILDERS", "Action", "Column", "Figure", "Kpi", "Many", "Num", "Section", "Table", "Text", "Tone", "Value",
           "View", "guarded", "with_top"]

#: View builders of the converted pages, by page name.
BUILDERS: dict[str, Callable[..., View]] = {
    "overview": overview.build,
    "portrait": portrait.build,
    "segments": segments.build,
    "pricing": pricing.build,
    "promotions": promotions.build,
    "warehouse": warehouse.build,
    "logistics": logistics.build,
    "satisfaction": satisfaction.build,
    "profit": profit.build,
}
