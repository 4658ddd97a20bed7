"""Enqueueing background work by name, so a service never imports the task that calls it."""

import importlib

from django.db import transaction


def enqueue_on_commit(task_name: str, *args) -> None:
    """Run the Celery task `task_name` with `args` once the current transaction commits.

    With no broker the task runs in-process right after the commit; a failure
    there is logged and left to the job that sweeps up (or, for a one-time
    code, to the resend the person asks for), rather than failing a request
    whose work has committed.
    """

    def send() -> None:
        from celery import current_app

        # Task names are "<module>.<function>": importing the module registers the task
        # (a web process never runs Celery's autodiscovery).
        importlib.import_module(task_name.rpartition(".")[0])
        current_app.tasks[task_name].delay(*args)

    transaction.on_commit(send, robust=True)
