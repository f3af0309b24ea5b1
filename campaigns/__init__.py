"""Campaign services — plan, invite, close, report, export — shared by the admin API, the CLI
and the demo. Functions over a session; they raise the domain errors of survey.errors."""
