"""Everything sp_desktop prints or saves for people to read, beside the patient leaflets.

`report_pdf` (practice and partner reports), `report_csv`, `meeting_pack_pdf` and
`vetting_summary_pdf` take the plain dataclasses a service builds and return bytes; they share
fonts and the A4 page template (`pdf`) with each other and the fonts with `sp_desktop.leaflets`.
No Qt, no database session: the services gather the figures, these modules only lay them out.
"""
