"""The enterprise pages: staff (the registry, a firm's profile, coverage, a helper's day, the
import) and the firms' own side (login by code, their helper, their demands)."""
