"""Japanese full-text search for Kiroku.

``search`` owns the index: its mapping and Japanese analysis (morphological and CJK
bigram fields), the backends behind one small protocol (Elasticsearch, OpenSearch and an
embedded index for the quick start), the query language, security trimming and the search
API. It learns about document changes from ``dms`` and never the other way round.
"""
