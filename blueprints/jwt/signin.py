"""What a JWT sign-in submits: the username the throttle counts, the lifetime the lab asks for."""

from bodies import json_object

# The lab may ask for a short-lived access token (to watch it expire); never a longer one.
LAB_LIFETIME = (5, 900)


def requested_lifetime(value):
    """An access-token lifetime the lab asked for, clamped to 5 s to 15 min; None for the default."""
    # Python's JSON parser accepts NaN, which no comparison clamps: it counts as "not asked".
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return int(min(max(value, LAB_LIFETIME[0]), LAB_LIFETIME[1]))


def submitted_username():
    """The username of a JSON sign-in: the account the throttle counts a failure against."""
    return json_object().get("username")
