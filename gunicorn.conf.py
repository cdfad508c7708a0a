"""gunicorn's own lines (start-up, workers, the access log) in the project's one log format.

gunicorn reads `gunicorn.conf.py` from the directory it starts in, so `gunicorn curator.wsgi:application`
run from the project directory (as the docs and the container do) picks this up with no flag. Without
it, gunicorn's lines had a format of their own beside the project's `[time: LEVEL/logger]` lines, and
its access lines had no level at all.
"""

import os

# curator/settings.py's LOG_FORMAT (tests/test_operator_logs.py keeps the two equal). Not imported
# from there: the settings refuse to load without their environment, and gunicorn reads this first.
LOG_FORMAT = "[%(asctime)s: %(levelname)s/%(name)s] %(message)s"

# The line already starts with its time; gunicorn's default access format would give it twice.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Both gunicorn loggers print through root only, once per line (gunicorn's defaults print its error
# lines on two handlers). In each worker, Django's LOGGING then puts its own root handler in place,
# with the same format.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": LOG_FORMAT}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
