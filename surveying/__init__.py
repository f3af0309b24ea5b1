"""The channel-neutral survey service: load a respondent's state, apply one event with
survey.transition, persist its effects in one deduplicated transaction, say what to show.

Telegram (bot/) and the web form are thin adapters over it.
"""
