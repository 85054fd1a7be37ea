"""One package per demo (jwt, session, oauth) with parallel names, plus the shared pages."""
