"""ecops — the Streamlit entry point: shared sidebar, navigation over pages/, URL state."""

import logging

import streamlit as st

from ecops.ui import components as ui
from ecops.ui import sidebar, state

st.set_page_config(page_title="ecops", page_icon="📊", layout="wide")

with state.shell_running():
    t = state.translator()
    # Pages are registered explicitly (DESIGN §6): url_path keys the page in shared links.
    PAGES = {
        t("core.nav.group.analysis"): [
            st.Page("pages/overview.py", title=t("core.nav.overview"), icon=":material/insights:", url_path="overview",
                    default=True),
            st.Page("pages/portrait.py", title=t("core.nav.portrait"), icon=":material/groups:", url_path="portrait"),
            st.Page("pages/segments.py", title=t("core.nav.segments"), icon=":material/donut_small:", url_path="segments"),
            st.Page("pages/pricing.py", title=t("core.nav.pricing"), icon=":material/sell:", url_path="pricing"),
            st.Page("pages/promotions.py", title=t("core.nav.promotions"), icon=":material/campaign:", url_path="promotions"),
            st.Page("pages/warehouse.py", title=t("core.nav.warehouse"), icon=":material/warehouse:", url_path="warehouse"),
            st.Page("pages/logistics.py", title=t("core.nav.logistics"), icon=":material/local_shipping:", url_path="logistics"),
            st.Page("pages/satisfaction.py", title=t("core.nav.satisfaction"), icon=":material/sentiment_satisfied:", url_path="satisfaction"),
            st.Page("pages/profit.py", title=t("core.nav.profit"), icon=":material/account_balance:", url_path="profit"),
        ],
        t("core.nav.group.data"): [
            st.Page("pages/data.py", title=t("core.nav.data"), icon=":material/database:", url_path="data"),
        ],
    }
    page = st.navigation(PAGES)
    state.begin_page(page.url_path or "overview")
    try:
        sidebar.render()
        page.run()
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        logging.getLogger("ecops.app").exception("page %s failed", page.url_path)
        st.error(t("core.error.generic", error=ui.friendly_error(exc)))
    finally:
        state.write_url()
