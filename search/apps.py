import logging

from django.apps import AppConfig

# The search clients log every HTTP request at INFO; keep them to warnings unless the
# settings' LOGGING gives them a level of their own.
QUIET_LOGGERS = ("elastic_transport", "elasticsearch", "opensearch")


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "検索"

    def ready(self) -> None:
        from dms import health
        from dms.documents import events
        from search.engine import engine_probes, probe_search_engine
        from search.tasks import index_document

        health.register_probe("search", probe_search_engine)
        for name, probe in engine_probes().items():
            health.register_probe(name, probe)
        events.subscribe(index_document)
        for name in QUIET_LOGGERS:
            logger = logging.getLogger(name)
            if logger.level == logging.NOTSET:
                logger.setLevel(logging.WARNING)
