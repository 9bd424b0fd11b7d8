"""Plain-Python domain: enums, value objects and validators (no Qt, no database)."""
