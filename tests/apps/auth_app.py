"""A tiny entry script for AppTest: the login contract and nothing else."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui.auth import logout_button, require_user  # noqa: E402

user = require_user()
logout_button()
st.write(f"OK {user.name}")
