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
            st.Page("pages/overview.py", title=t("core.nav.overview"), icon="📈", url_path="overview",
                    default=True),
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
