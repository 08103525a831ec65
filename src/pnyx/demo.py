"""The demo municipality (placeholder until the generator lands)."""

DEMO_PASSWORD = "pnyx-demo-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def load() -> bool:
    return False


def demo_accounts() -> list[tuple[str, str]]:
    return []
