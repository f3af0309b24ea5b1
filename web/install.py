"""The web channel's installer for ``admin.app.create_app(channels=...)``: the respondent's
pages at ``/s/{token}`` (channel web), their stylesheet at ``/s/static``, and the same pages
for interviewers at ``/interview/{token}`` (channel phone or visit, staff keys)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from survey.vocabulary import Channel
from web.interview import INTERVIEW, interview_router
from web.mini_app import install as install_mini_app
from web.rendering import STATIC_PATH
from web.site import FormSite, survey_router

STATIC = Path(__file__).parent / "static"
# mini_app.js binds the form to a Telegram user when Telegram opened it as a Mini App.
RESPONDENT = FormSite(prefix="/s", channel=Channel.WEB, scripts=("mini_app.js",))


def install(app: FastAPI) -> None:
    """Add the web survey's routes and static files to ``app``."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="web-static")
    app.include_router(survey_router(RESPONDENT))
    app.include_router(interview_router())
    app.include_router(survey_router(INTERVIEW))
    install_mini_app(app)  # POST /s/{token}/telegram, which mini_app.js calls
