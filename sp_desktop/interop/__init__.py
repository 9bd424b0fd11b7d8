"""Data exchange without Qt or a database session: spreadsheets and Open Referral (HSDS 3.0 / ORUK).

Readers turn a file into a `records.Feed` (plain records plus every problem found, by row and
column); writers turn the same records back into files. The database side (matching, merging,
one all-or-nothing transaction) lives in `sp_desktop.services.imports` and `.exports`.
"""
