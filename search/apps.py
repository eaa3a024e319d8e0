from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "検索"

    def ready(self) -> None:
        from dms import health
        from search.engine import engine_probes, probe_search_engine

        health.register_probe("search", probe_search_engine)
        for name, probe in engine_probes().items():
            health.register_probe(name, probe)
