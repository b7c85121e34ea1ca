"""The tracker's data model, one module per concept (DESIGN.md, "Concepts")."""

from .administration import Administration, Programme, Sector
from .claim import Claim, ClaimItem
from .conflict import ConflictMark
from .indicator import Indicator, Reading
from .log import LogEntry
from .promise import Promise, PromiseSource, StatusChange, StatusChangeSource
from .proposal import StatusProposal
from .report import Report
from .site import SiteProfile
from .source import Source, SourceReplacement, normalize_url

__all__ = [
    "Administration",
    "Claim",
    "ClaimItem",
    "ConflictMark",
    "Indicator",
    "LogEntry",
    "Programme",
    "Promise",
    "PromiseSource",
    "Reading",
    "Report",
    "Sector",
    "SiteProfile",
    "Source",
    "SourceReplacement",
    "StatusChange",
    "StatusChangeSource",
    "StatusProposal",
    "normalize_url",
]
