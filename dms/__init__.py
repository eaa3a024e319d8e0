"""Kiroku's core: the Django project and the document spine.

``dms`` owns the Django settings and URL map, and the core that every other feature
builds on: departments and users, documents and their immutable versions, the object
store that keeps originals byte for byte, ingest, the job queue, the audit trail and the
REST API for documents. It may import ``ocr``; it never imports ``search``,
``approvals`` or ``retention`` — those learn about changes through the small interfaces
``dms`` defines (see :mod:`dms.health` for the first of them).
"""
