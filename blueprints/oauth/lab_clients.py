"""The provider's demo clients for the lab pages, as this app learns them.

provider/lab_clients.py registers one client per flow (the SPA's "Browser app", the device
lab's "TV", the machine and resource-server clients) and names each by a setting, the same
name on both sides: SPA_CLIENT_ID, DEVICE_CLIENT_ID, MACHINE_CLIENT_ID and its secret, ... A
setting comes from this app's own configuration first. Outside production, the provider hands
the values over in instance/provider/lab-clients.json (beside builtin-client.json, 0600) when
it seeds them, as if a developer had copied them from its console. Read when needed, not at
start-up: the provider may start after the app. A production provider seeds none of them, so
a production app knows only what its configuration says.
"""

import json
from pathlib import Path

HANDOVER_FILE = "lab-clients.json"


def lab_setting(app, name):
    """One of the lab clients' settings (an id, a secret), or None when nobody has set it."""
    value = app.config.get(name)
    if value or app.config["ENV_NAME"] == "production":
        return value or None
    path = Path(app.config["PROVIDER_REGISTRATION_FILE"]).with_name(HANDOVER_FILE)
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    value = values.get(name) if isinstance(values, dict) else None
    return value if isinstance(value, str) and value else None
