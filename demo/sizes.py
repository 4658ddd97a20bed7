"""How much each size makes. `small` is quick (CI, a first look); `large` feels like real load."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    officers: int  # collection officers (under two managers)
    agents: int  # calling agents
    subscribers: int  # recharge subscribers
    kyc_people: int  # people with KYC records
    customers: int  # lending customers
    loans: int  # one per customer, the first `loans` of them
    resellers: int  # reseller organizations under the company
    sub_resellers: int  # sub-resellers under each reseller


SIZES = {
    "small": Size(
        name="small",
        officers=3,
        agents=2,
        subscribers=12,
        kyc_people=10,
        customers=30,
        loans=24,
        resellers=2,
        sub_resellers=2,
    ),
    "large": Size(
        name="large",
        officers=20,
        agents=8,
        subscribers=500,
        kyc_people=80,
        customers=4000,
        loans=1000,
        resellers=6,
        sub_resellers=4,
    ),
}
