"""Course pages: registered on the course blueprint."""
