"""E-mail invitations and reminders: the web link sent over SMTP (CSAT_SMTP_*)."""
