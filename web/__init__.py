"""The web survey channel: the questionnaire as server-rendered pages at /s/{token}, the
Telegram Mini App and the interviewer's form, on the same survey service as the chat."""
