"""Security settings as exact request fields, from the controls the security decision selected.

The decision says which controls apply and why (its rules read sensitivity, private sources, internet need,
team and stages); this turns each control into one row per request field, and adds the IAM guard rails that
enforce the selected controls.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

from advisor import stages as stage_registry
from advisor.engine.decisions import Outcome
from advisor.knowledge.models import Knowledge
from advisor.recommend.models import GuardRailAdvice, SecuritySetting, deep_frozen
from advisor.workload import Derived, Workload

_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

SERVERLESS_GAPS = {"SM-MD-02": "no VPC configuration", "SM-MD-01": "no network isolation"}
"""Controls a sensitive or private-source workload needs that a serverless endpoint cannot carry (AWS:
serverless-endpoints.html, feature exclusions), and what it lacks."""
SERVERLESS_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html"



def drop_refused(rows: tuple[SecuritySetting, ...], storage_of: Mapping[str, tuple[str, float]]
                 ) -> tuple[tuple[SecuritySetting, ...], list[str]]:
    """Leave out volume KMS keys that AWS refuses because the stage's type has local NVMe storage.

    `storage_of` maps a stage to (instance type, instance storage GB). The data on those disks is encrypted by
    the instance's own hardware module, so the control is met another way; the warning says so.
    """
    if not any(size > 0 for _, size in storage_of.values()):  # the usual case: no NVMe type was chosen
        return rows, []
    kept, warnings = [], []
    for row in rows:
        if not row.requires_ebs:
            kept.append(row)
            continue
        # every stage whose instances this request carries (an endpoint config: real-time or asynchronous)
        chosen = next((storage_of[s.id] for s in stage_registry.stages()
                       if s.instance_operation == row.api and s.id in storage_of and storage_of[s.id][1] > 0), None)
        if chosen:
            warnings.append(f"{row.control}: {row.api}.{row.field} is left out because {chosen[0]} has "
                            f"{chosen[1]:g} GB of local NVMe storage, which AWS encrypts with a hardware key and for "
                            "which it refuses a volume KMS key")
            continue
        kept.append(row)
    return tuple(kept), warnings


class SecurityRows:
    """Rows and guard rails are immutable per (control, asking rule) and per (rail, controls it enforces here):
    built once, reused by every call."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._rows: dict[tuple[str, str], tuple[SecuritySetting, ...]] = {}
        self._rails: dict[tuple[int, tuple[str, ...], tuple[str, ...]], GuardRailAdvice] = {}
        self._rail_controls = [(i, g.enforces, frozenset(g.enforces)) for i, g in enumerate(knowledge.guard_rails)]
        # the order rows are shown in: most severe first, then by control id
        self._order = {control_id: position for position, (_, control_id) in enumerate(sorted(
            (_SEVERITY_ORDER[c.severity], c.id) for c in knowledge.security_controls))}

    def rows(self, control_id: str, rule_id: str) -> tuple[SecuritySetting, ...]:
        key = (control_id, rule_id)
        cached = self._rows.get(key)
        if cached is None:
            control = self.knowledge.security_control(control_id)
            anchors = {k: v for k, v in control.anchors.model_dump().items() if v}
            cached = tuple(SecuritySetting(
                control=control.id, title=control.title, resource=control.resource, service=s.service,
                api=s.operation, field=s.field, value=deep_frozen(s.value), placeholder=s.placeholder,
                aws_default=deep_frozen(s.aws_default),
                requires_ebs=s.requires_ebs, severity=control.severity, why=control.why, tradeoff=control.tradeoff,
                rule=rule_id, anchors=deep_frozen(anchors)) for s in control.settings)
            self._rows[key] = cached
        return cached

    def settings_for(self, outcome: Outcome) -> tuple[SecuritySetting, ...]:
        """The selected controls' request fields, most severe first."""
        asked: dict[str, str] = {}  # control id -> the first rule that asked for it
        for rule in outcome.rules:
            for control in rule.then.controls:
                if control not in asked:
                    asked[control] = rule.id
        ordered = sorted(asked, key=self._order.__getitem__)
        return tuple(chain.from_iterable(map(self.rows, ordered, map(asked.__getitem__, ordered))))

    def rails_for(self, rows: tuple[SecuritySetting, ...]) -> tuple[GuardRailAdvice, ...]:
        """The guard rails that enforce the settings these rows write, each over only the actions whose request
        sets the field its condition key reads.

        Called with the rows the recommendation keeps (after drop_refused), so a rail never denies a request the
        same recommendation writes: no VolumeKmsKey deny on CreateTrainingJob when the key is left out for NVMe
        storage, no VpcSubnets deny on CreateModel because processing, not the model, runs in the VPC.
        """
        written = {(f"{r.service}:{r.api}", r.field, r.control) for r in rows}
        controls = {r.control for r in rows}
        out = []
        for index, _, every in self._rail_controls:
            if every.isdisjoint(controls):
                continue
            rail = self.knowledge.guard_rails[index]
            actions = tuple(a for a in rail.actions
                            if any((a, rail.reads[a], c) in written for c in rail.enforces))
            if actions:
                out.append(self._rail(index, tuple(c for c in rail.enforces if c in controls), actions))
        return tuple(out)

    def _rail(self, index: int, enforced: tuple[str, ...], actions: tuple[str, ...]) -> GuardRailAdvice:
        key = (index, enforced, actions)
        rail = self._rails.get(key)
        if rail is None:
            g = self.knowledge.guard_rails[index]
            rail = self._rails[key] = GuardRailAdvice(g.condition_key, enforced, deep_frozen(g.statement(actions)))
        return rail


def serverless_gaps(w: Workload, derived: Derived,
                    knowledge: Knowledge) -> tuple[tuple[SecuritySetting, ...], list[str]]:
    """What a sensitive or private-source workload on serverless_inference gives up: one `not_available` row per
    control it would get on an instance endpoint, and the warning that says so (never a VpcConfig in a request)."""
    if "serverless_inference" not in w.stages or not (derived.sensitive or w.data.private_sources):
        return (), []
    why = (f"{w.data.sensitivity} data" if derived.sensitive else "") + \
        (" from private sources" if w.data.private_sources else "")
    rows = []
    for control_id, lacks in SERVERLESS_GAPS.items():
        control = knowledge.security_control(control_id)
        for s in control.settings:
            rows.append(SecuritySetting(
                control=control.id, title=control.title, resource=control.resource, service=s.service,
                api=s.operation, field=s.field, value=None, placeholder=None, aws_default=deep_frozen(s.aws_default),
                severity=control.severity,
                why=f"not available on serverless_inference: Serverless Inference has {lacks} ({SERVERLESS_PAGE}, "
                    f"feature exclusions), which this workload's {why.strip()} calls for; use stages: "
                    "[realtime_inference] or [async_inference] to have it",
                tradeoff=None, rule="serverless-feature-exclusions", status="not_available"))
    warning = (f"serverless_inference: Serverless Inference has no VPC configuration and no network isolation, so "
               f"this workload's {why.strip()} would be served outside your VPC (private sources unreachable) by a "
               "container that can call out; use stages: [realtime_inference] or [async_inference] to keep them")
    return tuple(rows), [warning]
