"""Errors of the recharge app, each a 4xx in the API's one error shape."""

from config.exceptions import Conflict, Unprocessable


class InsufficientBalance(Unprocessable):
    default_code = "insufficient_balance"
    default_detail = "The wallet balance is too low for this payment."


class InUse(Conflict):
    default_code = "in_use"
    default_detail = "This is still in use."
