"""Made-up identities: names, phone numbers and Indian identity numbers that pass every
check (python-stdnum's checksums included) but were generated here, not taken from anyone."""

import random
import string

from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar, gstin, pan

FIRST_NAMES = [
    "Aarav",
    "Vivaan",
    "Aditya",
    "Arjun",
    "Sai",
    "Reyansh",
    "Krishna",
    "Ishaan",
    "Rohan",
    "Kabir",
    "Ananya",
    "Diya",
    "Saanvi",
    "Aadhya",
    "Kavya",
    "Isha",
    "Meera",
    "Priya",
    "Riya",
    "Tara",
    "Neha",
    "Pooja",
    "Rahul",
    "Vikram",
    "Sneha",
    "Nikhil",
    "Deepa",
    "Farhan",
    "Imran",
    "Joseph",
    "Thomas",
    "Gurpreet",
    "Harleen",
    "Lakshmi",
    "Suresh",
    "Ramesh",
    "Anil",
    "Sunita",
    "Geeta",
]
LAST_NAMES = [
    "Sharma",
    "Verma",
    "Iyer",
    "Nair",
    "Reddy",
    "Patel",
    "Shah",
    "Mehta",
    "Gupta",
    "Singh",
    "Kumar",
    "Das",
    "Bose",
    "Sen",
    "Rao",
    "Pillai",
    "Menon",
    "Joshi",
    "Kulkarni",
    "Deshpande",
    "Chatterjee",
    "Banerjee",
    "Mukherjee",
    "Khan",
    "Ali",
    "Fernandes",
    "D'Souza",
]
BANGLA_NAMES = [
    "Rahim",
    "Karim",
    "Hasan",
    "Hossain",
    "Akter",
    "Begum",
    "Chowdhury",
    "Rahman",
    "Islam",
    "Ahmed",
    "Uddin",
    "Sultana",
]
CITIES = (
    ("Mumbai", "Maharashtra", "400001"),
    ("Pune", "Maharashtra", "411001"),
    ("Bengaluru", "Karnataka", "560001"),
    ("Chennai", "Tamil Nadu", "600001"),
    ("Hyderabad", "Telangana", "500001"),
    ("Kolkata", "West Bengal", "700001"),
    ("New Delhi", "Delhi", "110001"),
    ("Jaipur", "Rajasthan", "302001"),
    ("Ahmedabad", "Gujarat", "380001"),
    ("Kochi", "Kerala", "682001"),
)


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def indian_mobile(block: int, serial: int) -> str:
    """+91 70 0000 NNNN style numbers: `block` keeps each kind of person apart."""
    return f"+9170{block:02d}{serial:06d}"


def bangladesh_mobile(serial: int) -> str:
    return f"+88017{serial:08d}"


def aadhaar_number(serial: int) -> str:
    """12 digits with a Verhoeff check digit, from a range no other demo record uses."""
    body = f"99{serial:09d}"
    number = body + verhoeff.calc_check_digit(body)
    return aadhaar.validate(number)


def pan_number(rng: random.Random, *, surname: str, holder: str = "P") -> str:
    """Three letters, the holder type (P: a person, C: a company), the name's initial,
    four digits and a letter (PAN's check letter is unpublished; stdnum checks the rest)."""
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    initial = surname[0].upper() if surname[:1].isalpha() else "X"
    number = (
        f"{letters}{holder}{initial}{rng.randint(1, 9999):04d}{rng.choice(string.ascii_uppercase)}"
    )
    return pan.validate(number)


# GSTIN's check character is Luhn mod 36 over digits and capital letters.
GSTIN_ALPHABET = string.digits + string.ascii_uppercase


def gstin_number(pan_of_business: str, *, state_code: str = "27") -> str:
    body = f"{state_code}{pan_of_business}1Z"
    return gstin.validate(body + luhn.calc_check_digit(body, GSTIN_ALPHABET))


def bank_account(serial: int) -> str:
    return f"5000{serial:08d}"
