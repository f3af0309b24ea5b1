"""The channel-neutral survey service: load a respondent's state, apply one event with
survey.transition, persist its effects in one deduplicated transaction, say what to show.

Telegram (bot/) and the web form are thin adapters over it:

- ``service.handle(sessions, request_id=, token=, progress=, event=)`` does one request of a
  channel keyed by invitation token (``request_number(channel, id)`` makes its request id);
- a channel with rows of its own to write in the same transaction (Telegram's chat row) calls
  ``service.claim_request``, ``response.load_response`` and ``service.respond`` itself;
- either way it gets an ``Outcome`` (the step to show, the step answered, refusals, tickets)
  and keeps ``Outcome.progress`` (``survey.flow.Progress``) until its next event.
"""
