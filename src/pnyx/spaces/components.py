"""The component registry.

A component app (proposals, surveys, budgets...) describes itself in a ``ComponentManifest`` and
registers it in its ``AppConfig.ready()``. Spaces only read manifests: they never import a
component by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ComponentAction:
    name: str
    label: str | Promise
    requires_verification: bool = False


@dataclass(frozen=True)
class ComponentManifest:
    name: str
    label: str | Promise
    icon: str
    actions: tuple[ComponentAction, ...] = ()
    # url to the component's public page, given the component instance
    public_url: Callable[[Any], str] | None = None
    description: str | Promise = ""
    default_actions: frozenset[str] = field(default_factory=frozenset)

    def action(self, name: str) -> ComponentAction | None:
        return next((action for action in self.actions if action.name == name), None)


_registry: dict[str, ComponentManifest] = {}


def register(manifest: ComponentManifest) -> ComponentManifest:
    if manifest.name in _registry and _registry[manifest.name] != manifest:
        raise ValueError(f"component {manifest.name!r} is already registered")
    _registry[manifest.name] = manifest
    return manifest


def get(name: str) -> ComponentManifest | None:
    return _registry.get(name)


def all_manifests() -> list[ComponentManifest]:
    return sorted(_registry.values(), key=lambda manifest: manifest.name)


def choices() -> list[tuple[str, str]]:
    return [(manifest.name, str(manifest.label)) for manifest in all_manifests()]
