"""Customer lifetime value: BG/NBD purchase model + Gamma-Gamma spend model.

Who is still a customer, how many more purchases will they make, what will they spend?
The user-portrait page (DESIGN §5.2) answers with two classic probability models:

- BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while
  alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
  purchase they drop out with probability p ~ Beta(a, b).
- Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): each
  customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) (γ is called ``v``
  here), independent of the purchase process.

Both are fitted by maximum likelihood of the published closed-form likelihoods with
scipy (analytic gradients, log-parameters), on per-customer RFM summaries — the small,
already aggregated result of a per-customer SQL query. :func:`rfm_summary` builds that
summary from per-customer-per-day rows with the literature's conventions.

Modules, after pymc-marketing's ``clv`` package — one file per model, pure helpers apart:

- :mod:`ecops.clv.beta_geo` — :class:`BetaGeoModel` (purchases, P(alive));
- :mod:`ecops.clv.gamma_gamma` — :class:`GammaGammaModel` (spend per purchase);
- :mod:`ecops.clv.lifetime_value` — :func:`predict_clv`, :func:`score_histories` (customers grouped by history)
  and :class:`ClvResult`;
- :mod:`ecops.clv.utils` — :func:`rfm_summary`, maximum likelihood with intervals, input checks.
"""

from __future__ import annotations

from ecops.clv.beta_geo import BetaGeoModel, BetaGeoParams
from ecops.clv.gamma_gamma import GammaGammaModel, GammaGammaParams
from ecops.clv.lifetime_value import ClvResult, predict_clv, score_histories
from ecops.clv.utils import rfm_summary

__all__ = ["BetaGeoModel", "BetaGeoParams", "ClvResult", "GammaGammaModel", "GammaGammaParams", "predict_clv",
           "rfm_summary", "score_histories"]
