"""Give-up handlers: what to do when a task has failed its last attempt."""

from collections.abc import Callable

GiveUpHandler = Callable[[list, dict, str], None]  # (args, kwargs, error text)
_handlers: dict[str, GiveUpHandler] = {}


def on_give_up(task) -> Callable[[GiveUpHandler], GiveUpHandler]:
    """Register ``handler(args, kwargs, error)`` to run when ``task`` exhausts its retries."""

    def register(handler: GiveUpHandler) -> GiveUpHandler:
        _handlers[task.module_path] = handler
        return handler

    return register


def give_up_handler(task_path: str) -> GiveUpHandler | None:
    return _handlers.get(task_path)
