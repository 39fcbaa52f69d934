"""One file per revision; the first creates every table."""
