"""The sidebar every page shares: dataset, global filters, language, currency, privacy switch."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ecops.dataset import Filters
from ecops.ui import components, state

__all__ = ["QUICK_PERIODS", "quick_period", "render"]


@st.cache_data(show_spinner=False, max_entries=64)
def _options(fingerprint: str, _ds) -> dict[str, list[str]]:  # noqa: ARG001 - the cache key
    return _ds.filter_options()


def render() -> None:
    """Draw the sidebar and record its choices in the URL state."""
    t = state.translator()
    ds = state.dataset()
    sb = st.sidebar

    lang_now = state.lang()
    choice = sb.radio(t("core.sidebar.language"), ["zh", "en"], index=0 if lang_now == "zh" else 1,
                      format_func=lambda v: "中文" if v == "zh" else "English", horizontal=True, key="flt.lang")
    if choice != lang_now:
        state.set_global("lang", choice)
        st.rerun()
    state.set_global("lang", choice)

    # The name comes from an uploaded file (and travels with shared datasets): never markup.
    sb.markdown(f"**{t('core.sidebar.dataset')}:** {components.md_escape(ds.name)}  \n"
                f"<small>{t('core.sidebar.kind.' + ds.kind)}</small>", unsafe_allow_html=True)
    if ds.kind != "sample" and sb.button(t("core.sidebar.back_to_sample"), key="flt.back"):
        from ecops.ui import datasource

        state.set_dataset(state.sample_dataset())
        datasource.forget_upload()
        datasource.forget_database()
        st.rerun()

    sb.subheader(t("core.sidebar.filters"))
    lo, hi = ds.date_bounds()
    current = state.filters()
    start = min(max(current.start or lo, lo), hi)
    end = max(min(current.end or hi, hi), start)
    if "flt.period" not in st.session_state:
        st.session_state["flt.period"] = (start, end)
    period = sb.date_input(t("core.sidebar.period"), min_value=lo, max_value=hi, key="flt.period")
    sb.selectbox(t("core.sidebar.quick"), QUICK_PERIODS, index=None, key="flt.quick",
                 placeholder=t("core.sidebar.quick.placeholder"), label_visibility="collapsed",
                 format_func=lambda v: t(f"core.sidebar.quick.{v}"), on_change=_apply_quick, args=(lo, hi))
    if isinstance(period, tuple | list) and len(period) == 2:
        start, end = period
    opts = _options(ds.fingerprint, ds)
    chosen: dict[str, tuple[str, ...]] = {}
    for name, values in (("region", current.regions), ("channel", current.channels),
                         ("category", current.categories)):
        key = f"flt.{name}"
        if not opts.get(name):
            chosen[name] = ()
            continue
        if key not in st.session_state:
            st.session_state[key] = [v for v in values if v in opts[name]]
        chosen[name] = tuple(sb.multiselect(t(f"core.sidebar.{name}"), opts[name], key=key,
                                            placeholder=t("core.sidebar.all")))
    f = Filters(
        start=start if start != lo else None, end=end if end != hi else None,
        regions=chosen["region"], channels=chosen["channel"], categories=chosen["category"],
    )
    state.set_filters(f)
    if sb.button(t("core.sidebar.reset"), key="flt.reset"):
        state.set_filters(Filters())
        for key in ("flt.period", "flt.region", "flt.channel", "flt.category"):
            st.session_state.pop(key, None)
        st.rerun()

    with sb.expander("⚙️", expanded=False):
        # keyed by the dataset's currency: a currency chosen on the Data page is not overridden by this
        # box's value from before the choice
        cur = st.text_input(t("core.sidebar.currency"), value=state.currency(ds), max_chars=4,
                            key=f"flt.cur.{ds.fingerprint}.{ds.currency}")
        state.set_global("cur", cur if cur not in (ds.currency, ds.currency_symbol) else None)
        components.reveal_toggle(t("core.sidebar.reveal"), help=t("core.sidebar.reveal_help"))
    sb.caption(t("core.sidebar.share_hint"))


#: Quick periods: days ending at the data's last day ("all" = the whole range).
QUICK_PERIODS = ("30", "90", "365", "all")


def quick_period(choice: str, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
    """The period a quick choice stands for: the last N days of the data (never before its start)."""
    if choice == "all":
        return lo, hi
    return max(lo, hi - dt.timedelta(days=int(choice) - 1)), hi


def _apply_quick(lo: dt.date, hi: dt.date) -> None:
    # A callback runs before the rerun, the only time the period widget's value may be set.
    choice = st.session_state.get("flt.quick")
    if choice:
        st.session_state["flt.period"] = quick_period(choice, lo, hi)
    st.session_state["flt.quick"] = None


