"""Institutions: affiliation lines split into organisations and matched to a registry built
from ROR (CC0) plus a curated supplement, with Simplified Chinese names. Model-free: plain
values in and out, no database.

Entry points: `registry_get()`, `Registry.match` / `Registry.organisations_in` /
`Registry.with_extra`, `ror_dump_convert`; records are `Organisation` and `InstitutionMatch`.
"""

from papers.institutions.loading import registry_get, registry_load, registry_reset
from papers.institutions.organisations import InstitutionMatch, Organisation
from papers.institutions.registry import Registry
from papers.institutions.ror_dump import ror_dump_convert

__all__ = [
    "InstitutionMatch",
    "Organisation",
    "Registry",
    "registry_get",
    "registry_load",
    "registry_reset",
    "ror_dump_convert",
]
