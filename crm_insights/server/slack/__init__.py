"""Slack bot (Bolt): app mentions and direct messages answered in their thread.

``build_slack_app`` makes the Bolt app; ``crm_insights.server.slack.http.mount_slack`` serves it at
``/slack/events`` in the FastAPI app; ``run_socket_mode`` connects with an app-level token.
"""

from crm_insights.server.slack.bot import build_slack_app, run_socket_mode, slack_thread_id, socket_mode_handler

__all__ = ["build_slack_app", "run_socket_mode", "slack_thread_id", "socket_mode_handler"]
