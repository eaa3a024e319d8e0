"""The decision PDF (決裁文書): the cover sheet (決裁伺), its stamp boxes and what a stamp shows.

``layout`` is the contract between the cover sheet (which decides where each step's stamp goes)
and the signer (which draws the 日付印 there and signs). Neither imports the other.
"""
