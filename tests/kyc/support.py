"""Valid and invalid identity numbers, and the steps of a KYC flow over HTTP."""

from pathlib import Path

from stdnum import luhn, verhoeff

from kyc import ifsc_source
from kyc.services import kyc_process_submissions
from kyc.services.directory import ifsc_directory_refresh

# A few real branches in Razorpay's published IFSC.csv format (IFSC codes are public).
IFSC_SAMPLE = Path(__file__).parent / "data" / "ifsc_sample.csv"


def load_ifsc_directory(path: Path = IFSC_SAMPLE):
    with ifsc_source.open_file(path) as stream:
        rows = list(ifsc_source.read_rows(stream))
    return ifsc_directory_refresh(rows=rows, source=path.name, allow_shrink=True)


GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def make_aadhaar(first_eleven: str) -> str:
    return first_eleven + verhoeff.calc_check_digit(first_eleven)


def make_gstin(state: str, pan: str, entity: str = "1") -> str:
    body = f"{state}{pan}{entity}Z"
    return body + luhn.calc_check_digit(body, GSTIN_ALPHABET)


AADHAAR = make_aadhaar("23456789012")
AADHAAR_2 = make_aadhaar("98765432109")
# Same digits, wrong check digit: the Verhoeff check must refuse it.
AADHAAR_BAD_CHECK = AADHAAR[:-1] + str((int(AADHAAR[-1]) + 1) % 10)
PAN = "ABCPE1234F"
PAN_2 = "BCDPF2345G"
COMPANY_PAN = "AAPCA1234B"
GSTIN = make_gstin("27", PAN)
GSTIN_2 = make_gstin("29", PAN_2)
GSTIN_BAD_CHECK = GSTIN[:-1] + ("A" if GSTIN[-1] != "A" else "B")
ACCOUNT = "50100234567890"
ACCOUNT_2 = "50100234567891"
IFSC = "HDFC0001234"  # HDFC Bank, Park Street, Jaipur

NAME = "Rahul Sharma"
DOB = "1990-01-15"

PLAINTEXTS = (AADHAAR, PAN, GSTIN, ACCOUNT)


def aadhaar_body(**extra) -> dict:
    return {
        "aadhaar_number": AADHAAR,
        "name": NAME,
        "dob": DOB,
        "gender": "male",
        "address": "12 MG Road, Pune",
        **extra,
    }


def pan_body(**extra) -> dict:
    return {"pan_number": PAN, "name": NAME, "dob": DOB, **extra}


def business_body(**extra) -> dict:
    return {
        "business_name": "Sharma Traders",
        "business_type": "sole_proprietorship",
        "registration_number": "UDYAM-MH-26-0012345",
        "registration_date": "2020-01-01",
        "gst_number": GSTIN,
        "address": "5 Market Yard, Pune",
        **extra,
    }


def bank_body(**extra) -> dict:
    return {
        "account_holder_name": NAME,
        "account_number": ACCOUNT,
        "ifsc_code": IFSC,
        "bank_name": "HDFC Bank",
        "account_type": "savings",
        **extra,
    }


BODIES = {
    "aadhaar": aadhaar_body,
    "pan": pan_body,
    "business": business_body,
    "bank": bank_body,
}


def submit_url(kind: str) -> str:
    return f"/api/v1/kyc/{kind}/submit_{kind}"


def status_url(kind: str) -> str:
    return f"/api/v1/kyc/{kind}/get_{kind}_status"


def submit(client, kind: str, **extra):
    return client.post(submit_url(kind), BODIES[kind](**extra), format="json")


def confirm_code(client, inbox, user, request_id: str, kind: str):
    """Enter the code at the one OTP endpoint, as a client of seed 000 does."""
    return client.post(
        "/api/v1/otp/verify_otp",
        {"request_id": request_id, "otp": inbox.code_for(user.mobile), "purpose": f"kyc_{kind}"},
        format="json",
    )


def submit_and_confirm(client, inbox, user, kind: str, **extra) -> dict:
    response = submit(client, kind, **extra)
    assert response.status_code == 201, response.content
    reply = response.json()
    assert confirm_code(client, inbox, user, reply["request_id"], kind).status_code == 200
    kyc_process_submissions()  # what the every-minute task does
    return reply
