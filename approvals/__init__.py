"""Electronic approval (電子決裁) for Kiroku: the hanko replacement.

``approvals`` will own route templates (承認, 合議, 決裁, 供覧), approval requests with
代決 and 後閲, the 日付印 stamp generated from the audit record, PAdES signatures with
timestamps, verification, and freezing a document once its decision is made. It builds on
``dms`` documents and versions; ``dms`` never imports it.
"""
