"""Errors of the ISP billing services, each a 4xx in the API's one error shape."""

from config.exceptions import Conflict, Unprocessable


class InsufficientResellerBalance(Unprocessable):
    default_code = "insufficient_balance"
    default_detail = "The reseller's balance is too low for this."


class IllegalStatusChange(Conflict):
    default_code = "illegal_status_change"
    default_detail = "The subscriber cannot move to that status from its current one."


class AlreadyBilled(Conflict):
    default_code = "already_billed"
    default_detail = "This period is invoiced already."
