"""Moved: the scheduler commands are schedules/commands/serve.py, schedule.py and runs.py.

Only `send_command` is left here, for schedules/dashboard/server.py until it
imports it from schedules.commands.schedule; remove this module then.
"""

from schedules.commands.schedule import send_command  # noqa: F401
