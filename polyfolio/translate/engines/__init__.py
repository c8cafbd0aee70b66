"""Translation engines behind one interface (:class:`Engine`), chosen by name.

``copy`` and ``pseudo`` work offline; ``openai`` and ``deepl`` speak to real APIs through their
official clients.  Those clients are imported only when their engine is created, so commands that
never translate (and a run with nothing to do) do not pay for importing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from polyfolio.translate.engines.base import (
    ENGINE_NAMES,
    BatchContext,
    Engine,
    EngineError,
    EngineNotConfigured,
    Request,
    Term,
)

if TYPE_CHECKING:
    from polyfolio.translate.settings import TranslateSettings

__all__ = [
    "ENGINE_NAMES",
    "BatchContext",
    "Engine",
    "EngineError",
    "EngineNotConfigured",
    "Request",
    "Term",
    "create_engine",
    "engine_settings_key",
]

HOW_TO_CONFIGURE = (
    "no translation engine configured: set polyfolio.translate.engine in _config.yml "
    f"or pass --engine ({', '.join(ENGINE_NAMES)})"
)


def create_engine(settings: TranslateSettings, environ: Mapping[str, str] | None = None) -> Engine:
    """The engine ``settings`` name; :class:`EngineNotConfigured` says what is missing.

    ``environ`` stands in for ``os.environ`` (tests pass their own).
    """
    if settings.engine is None:
        raise EngineNotConfigured(HOW_TO_CONFIGURE)
    if settings.engine == "copy":
        from polyfolio.translate.engines.copy import CopyEngine

        return CopyEngine()
    if settings.engine == "pseudo":
        from polyfolio.translate.engines.pseudo import PseudoEngine

        return PseudoEngine()
    if settings.engine == "openai":
        from polyfolio.translate.engines.openai import create_openai_engine

        return create_openai_engine(settings, environ)
    if settings.engine == "deepl":
        from polyfolio.translate.engines.deepl import create_deepl_engine

        return create_deepl_engine(settings, environ)
    raise EngineNotConfigured(
        f"unknown engine '{settings.engine}'; choose one of: {', '.join(ENGINE_NAMES)}"
    )


def engine_settings_key(settings: TranslateSettings) -> str:
    """What :meth:`Engine.settings_key` of the engine ``settings`` name would return, without
    making a client or needing an API key: a dry run can plan before keys are set up."""
    if settings.engine is None:
        raise EngineNotConfigured(HOW_TO_CONFIGURE)
    if settings.engine == "openai":
        from polyfolio.translate.engines.openai import openai_settings_key, require_model

        return openai_settings_key(require_model(settings))
    if settings.engine == "deepl":
        from polyfolio.translate.engines.deepl import SETTINGS_KEY

        return SETTINGS_KEY
    return settings.engine  # copy and pseudo have no settings
