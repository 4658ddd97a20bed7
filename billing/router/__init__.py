"""The router integration: what billing tells the network when a subscriber changes.

`ISP_ROUTER_BACKEND` names the class. `NoopRouter` (the default) does nothing;
`LoggedCommandsRouter` writes the RouterOS commands it would send to the
`billing.router` log and keeps them in `LoggedCommandsRouter.sent`, the shape
a MikroTik API backend will send for real. Calls are made after the change
commits (`router_notify`), so a rolled-back change never reaches the router.

What is sent beyond the login and profile follows the organization's
`sync_settings`: the mobile number only with `sync_customer_mobile_to_mikrotik`,
the address only with `sync_address_to_mikrotik`, the area only with
`sync_area_to_mikrotik`.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from billing.models import IspSubscriber

logger = logging.getLogger("billing.router")


class RouterBackend:
    """The interface. `action` is one of enable, disable, update."""

    def apply(self, subscriber: IspSubscriber, action: str) -> None:
        raise NotImplementedError


class NoopRouter(RouterBackend):
    def apply(self, subscriber: IspSubscriber, action: str) -> None:
        return None


def _quote(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def secret_comment(subscriber: IspSubscriber) -> str:
    """The secret's comment: the name, and what the organization's sync settings allow."""
    sync = subscriber.organization.sync_settings or {}
    parts = [subscriber.name]
    if sync.get("sync_customer_mobile_to_mikrotik") and subscriber.phone:
        parts.append(subscriber.phone)
    if sync.get("sync_address_to_mikrotik") and subscriber.address:
        parts.append(subscriber.address)
    if sync.get("sync_area_to_mikrotik"):
        parts.extend(str(place.name) for place in (subscriber.thana, subscriber.district) if place)
    return " | ".join(parts)


def routeros_commands(subscriber: IspSubscriber, action: str) -> list[str]:
    name = _quote(subscriber.pppoe_username)
    find = f"[find name={name}]"
    if action == "disable":
        # Disabling the secret alone leaves the live session up; drop it too.
        return [
            f"/ppp secret set {find} disabled=yes",
            f"/ppp active remove [find name={name}]",
        ]
    settings_part = (
        f"profile={_quote(subscriber.package.code)} comment={_quote(secret_comment(subscriber))}"
    )
    commands = [
        f":if ([:len {find}] = 0) do={{/ppp secret add name={name} service=pppoe}}",
        f"/ppp secret set {find} {settings_part}",
    ]
    if action == "enable":
        commands.append(f"/ppp secret set {find} disabled=no")
    return commands


class LoggedCommandsRouter(RouterBackend):
    # What was sent, for tests and for trying the integration out (like `mail.outbox`).
    sent: list[str] = []

    def apply(self, subscriber: IspSubscriber, action: str) -> None:
        for command in routeros_commands(subscriber, action):
            LoggedCommandsRouter.sent.append(command)
            logger.info("router command for subscriber %s: %s", subscriber.pk, command)


def get_router() -> RouterBackend:
    return import_string(settings.ISP_ROUTER_BACKEND)()


def _apply_now(subscriber_id: int, action: str) -> None:
    subscriber = (
        IspSubscriber.objects.select_related("organization", "package", "district", "thana")
        .filter(pk=subscriber_id)
        .first()
    )
    if subscriber is None:
        return
    try:
        get_router().apply(subscriber, action)
    except Exception:
        # The router is told again by the next change; billing never fails for it.
        logger.exception("router %s failed for subscriber %s", action, subscriber_id)


def router_notify(subscriber: IspSubscriber, action: str) -> None:
    """Tell the router about `subscriber` once the surrounding transaction commits."""
    transaction.on_commit(partial(_apply_now, subscriber.pk, action), robust=True)
