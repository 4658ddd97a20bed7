import uuid


def new_key() -> dict[str, str]:
    """Headers for a money-moving POST: an `Idempotency-Key` no request has used yet."""
    return {"Idempotency-Key": str(uuid.uuid4())}
