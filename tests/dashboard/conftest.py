"""Shared fixtures of the dashboard's tests: Streamlit's caches cleared around every test, a
diary file in a temporary folder for every test (never the real user data folder), and what
the download buttons hand to Streamlit."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.diary import FILE_ENV


@pytest.fixture(autouse=True)
def fresh_caches():
    """st.cache_resource and st.cache_data outlive an AppTest: start each test clean."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def diary_file(tmp_path_factory, monkeypatch):
    """TWITCH_CAUSES_DIARY_FILE in a fresh temporary folder: no test reads or writes a real diary."""
    path = tmp_path_factory.mktemp("diary") / "twitch-causes" / "diary.sqlite3"
    monkeypatch.setenv(FILE_ENV, str(path))
    return path


@pytest.fixture
def downloads(monkeypatch):
    """What the download buttons hand to Streamlit, by file name."""
    files: dict[str, bytes] = {}
    add = MediaFileManager.add

    def recording(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
            files[file_name] = data
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", recording)
    return files
