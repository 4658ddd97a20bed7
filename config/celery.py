import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _collect_schedules(sender, **kwargs):
    """Each app may declare periodic tasks as `BEAT_SCHEDULE` in its `schedules.py`."""
    import importlib

    from django.conf import settings

    for app_name in settings.INSTALLED_APPS:
        module_name = f"{app_name}.schedules"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        sender.conf.beat_schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
