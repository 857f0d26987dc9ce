"""User portrait (用户画像): who the customers are, how they behave and what they are worth.

Everything starts from one per-customer SQL aggregate (:func:`customer_features`): orders,
distinct purchase days, recency, revenue, the value of repeat days, discounts, category
and channel mix. Python only receives that aggregated frame and computes on it:

- **RFM** (:func:`rfm`): recency, frequency and monetary scores on quantile bins (quintiles
  by default) mapped to ten named segments on the classic R × FM grid, with each segment's
  size and revenue share and the movement of customers between segments from one snapshot
  to the next.
- **Behavioural clusters** (:class:`BehaviourClusterer`, :func:`clusters`): k-means on
  standardised features (RFM, category mix, discount share, channel mix), k chosen by the
  silhouette score, fitted on a random sample of customers and applied to all; persona
  cards describe each cluster in words by the features that set it apart.
- **Cohorts** (:func:`cohorts`): monthly acquisition cohorts, retention and revenue by
  month since the first order.
- **CLV** (:func:`lifetime_value`, :func:`clv_backtest`): BG/NBD + Gamma-Gamma from
  :mod:`ecops.clv` on per-customer repeat-day summaries computed in SQL.
- **Demographics and purchase times** (:func:`demographics`, :func:`purchase_times`).
"""

from __future__ import annotations

from ecops.portrait.cluster_sql import cluster_customers, labelled_customers
from ecops.portrait.cohort import CohortResult, cohorts
from ecops.portrait.demography import (
    AGE_BANDS,
    DEMOGRAPHIC_COLUMNS,
    PLACEHOLDERS,
    UNKNOWN,
    Demographics,
    PurchaseTimes,
    demographics,
    purchase_times,
)
from ecops.portrait.features import (
    RFM_COLUMNS,
    CustomerFeatures,
    customer_columns,
    customer_features,
    customer_positions,
    default_holdout_start,
    reference_date,
    rfm_features,
)
from ecops.portrait.lifetime import (
    ClvBacktest,
    ClvSummary,
    btyd_summary,
    calibration_summary,
    clv_backtest,
    lifetime_value,
)
from ecops.portrait.page import (
    VIEWS,
    ClvView,
    PortraitKpis,
    PortraitResult,
    clv_by_segment,
    clv_view,
    compute_page,
    portrait_kpis,
    report_section,
)
from ecops.portrait.personas import (
    GROUP_WEIGHTS,
    BehaviourClusterer,
    ClusterResult,
    Persona,
    Trait,
    behaviour_matrix,
    clusters,
)
from ecops.portrait.segmentation import (
    AT_RISK,
    NEW_ENTRANT,
    SEGMENTS,
    RfmResult,
    quantile_score,
    rfm,
    rfm_segment,
    score_customers,
    score_rfm,
)

__all__ = [
    'AGE_BANDS', 'AT_RISK', 'BehaviourClusterer', 'ClusterResult', 'ClvBacktest', 'ClvSummary', 'ClvView',
    'CohortResult', 'CustomerFeatures', 'DEMOGRAPHIC_COLUMNS', 'Demographics', 'GROUP_WEIGHTS', 'NEW_ENTRANT',
    'PLACEHOLDERS', 'Persona', 'PortraitKpis', 'PortraitResult', 'PurchaseTimes', 'RFM_COLUMNS', 'RfmResult',
    'SEGMENTS',
    'Trait', 'UNKNOWN', 'VIEWS', 'behaviour_matrix', 'btyd_summary', 'calibration_summary', 'cluster_customers',
    'clusters', 'clv_backtest', 'clv_by_segment', 'clv_view', 'cohorts', 'compute_page', 'customer_columns',
    'customer_features',
    'customer_positions', 'default_holdout_start', 'demographics', 'labelled_customers', 'lifetime_value',
    'portrait_kpis',
    'purchase_times', 'quantile_score', 'reference_date', 'report_section', 'rfm', 'rfm_features', 'rfm_segment',
    'score_customers', 'score_rfm',
]
