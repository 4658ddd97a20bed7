"""`config` is the bottom layer: the apps build on it, it imports none of them."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _project_apps() -> set[str]:
    # The installed apps whose package sits at the top of the repository.
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve() and config.name != "config"
    }


def _imported(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module


def test_config_imports_no_app():
    project_apps = _project_apps()
    assert {"accounts", "audit", "recharge"} <= project_apps
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "config").rglob("*.py"))
        for line, module in _imported(path)
        if module.split(".")[0] in project_apps
    ]
    assert upward == []


def test_services_enqueue_tasks_by_name_and_never_import_them():
    # A task imports its service; the service importing the task back would be a cycle.
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for app in sorted(_project_apps())
        for path in sorted((ROOT / app).rglob("*.py"))
        if "services" in path.relative_to(ROOT).parts or path.stem == "services"
        for line, module in _imported(path)
        if module.split(".")[-1] == "tasks" and module.split(".")[0] in _project_apps()
    ]
    assert offenders == []
