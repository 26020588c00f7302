"""Security settings as exact request fields, from the controls the security decision selected.

The decision says which controls apply and why (its rules read sensitivity, private sources, internet need,
team and stages); this turns each control into one row per request field, and adds the IAM guard rails that
enforce the selected controls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from advisor import stages as stage_registry
from advisor.engine.decisions import Outcome
from advisor.knowledge.models import HostingOption, Knowledge
from advisor.recommend.models import GuardRailAdvice, SecuritySetting, deep_frozen
from advisor.workload import Derived, Workload

_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

OPTION_GAPS = {"SM-MD-02": ("vpc", "no VPC configuration", "no VpcConfig"),
               "SM-MD-01": ("network_isolation", "no network isolation", "no network isolation")}
"""Controls a sensitive or private-source workload needs, by the inference option capability that carries them
(rules/knowledge/hosting_options.yaml): an option without it (serverless: AWS's feature exclusions) cannot carry
the control. Each with what the option then has, and what its request then takes."""


def _group(service: str) -> Literal["sagemaker", "lambda"]:
    """A Lambda function's settings form their own group; everything else secures the SageMaker resources."""
    return "lambda" if service == "lambda" else "sagemaker"


def drop_volume_keys(rows: tuple[SecuritySetting, ...], storage_of: Mapping[str, tuple[str, float]]
                     ) -> tuple[tuple[SecuritySetting, ...], list[str]]:
    """Leave out volume KMS keys for a stage whose type has local NVMe storage, which the instance's own hardware
    module encrypts: the control is met another way, and the warning says so.

    `storage_of` maps a stage to (instance type, instance storage GB). AWS refuses most such keys (a training,
    processing or transform job's VolumeKmsKeyId); a row with `ebs_any` it accepts but it encrypts no local
    storage (an endpoint configuration's KmsKeyId, botocore 1.44.5), so it would protect nothing on the one type
    the recommendation chose.
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
            if row.ebs_any:
                aws = ("AWS accepts the key beside it but it encrypts no instance local storage, so it would "
                       "protect nothing")
            else:
                aws = "for which it refuses a volume KMS key"
            warnings.append(f"{row.control}: {row.api}.{row.field} is left out because {chosen[0]} has "
                            f"{chosen[1]:g} GB of local NVMe storage, which AWS encrypts with a hardware key; {aws}")
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
        self._topic = {c.id: c.chapter_topic for c in knowledge.security_controls}
        """Control id -> the chapter topic it belongs to (vpc, network_isolation, ...)."""
        # the order rows are shown in: SageMaker's, then the Lambda function's; most severe first, then by id
        self._order = {control_id: position for position, (_, _, control_id) in enumerate(sorted(
            (_group(c.settings[0].service) == "lambda", _SEVERITY_ORDER[c.severity], c.id)
            for c in knowledge.security_controls))}

    def rows(self, control_id: str, rule_id: str) -> tuple[SecuritySetting, ...]:
        key = (control_id, rule_id)
        cached = self._rows.get(key)
        if cached is None:
            control = self.knowledge.security_control(control_id)
            anchors = {k: v for k, v in control.anchors._asdict().items() if v}
            cached = tuple(SecuritySetting(
                control=control.id, title=control.title, resource=control.resource, service=s.service,
                api=s.operation, field=s.field, value=deep_frozen(s.value), placeholder=s.placeholder,
                aws_default=deep_frozen(s.aws_default),
                requires_ebs=s.requires_ebs, severity=control.severity, why=control.why, tradeoff=control.tradeoff,
                rule=rule_id, anchors=deep_frozen(anchors), group=_group(s.service), ebs_any=s.ebs_any)
                for s in control.settings)
            self._rows[key] = cached
        return cached

    def settings_for(self, outcome: Outcome) -> tuple[SecuritySetting, ...]:
        """The selected controls' request fields, most severe first."""
        asked: dict[str, str] = {}  # control id -> the first rule that asked for it
        for rule in outcome.rules:
            for control in rule.then.controls:
                asked.setdefault(control, rule.id)
        rows: list[SecuritySetting] = []
        for control in sorted(asked, key=self._order.__getitem__):
            rows += self.rows(control, asked[control])
        return tuple(rows)

    def rails_for(self, rows: tuple[SecuritySetting, ...]) -> tuple[GuardRailAdvice, ...]:
        """The guard rails that enforce the settings these rows write, each over only the actions whose request
        sets the field its condition key reads.

        Called with the rows the recommendation keeps (after drop_volume_keys), so a rail never denies a request the
        same recommendation writes: no VolumeKmsKey deny on CreateTrainingJob when the key is left out for NVMe
        storage, no VpcSubnets deny on CreateModel because processing, not the model, runs in the VPC.
        """
        kept = [r for r in rows if r.status == "set"]  # a row marked not available is never in a request
        controls = {r.control for r in kept}
        out = []
        for index, rail in enumerate(self.knowledge.guard_rails):
            if controls.isdisjoint(rail.enforces):
                continue
            enforced = tuple(c for c in rail.enforces if c in controls)
            written = {(f"{r.service}:{r.api}", r.field) for r in kept if r.control in enforced}
            actions = tuple(a for a in rail.actions if (a, rail.reads[a]) in written)
            if actions:
                out.append(self._rail(index, enforced, actions))
        return tuple(out)

    def open_in_vpc(self, rows: tuple[SecuritySetting, ...], w: Workload) -> list[str]:
        """A resource kept in your VPC but not isolated from the network, because the workload needs the internet:
        said once per resource, with how the VPC still bounds what it reaches (AWS: a job in a VPC without internet
        access reaches S3 through a gateway endpoint, AWS services through interface endpoints and anything else
        through a NAT gateway; train-vpc.html, process-vpc.html, host-vpc.html)."""
        if not w.network.internet_access:
            return []
        topic = self._topic
        isolated = {r.resource for r in rows if topic[r.control] == "network_isolation"}
        in_vpc = dict.fromkeys((r.resource, r.api) for r in rows
                               if r.status == "set" and topic[r.control] == "vpc" and r.group == "sagemaker")
        return [f"{api}: runs in your VPC's private subnets but without network isolation, because "
                "network.internet_access is true and an isolated container reaches no network; give it an S3 "
                "gateway endpoint, interface endpoints for the AWS services it calls, and a NAT gateway only for "
                "what must come from the internet, with security groups that allow just those"
                for resource, api in in_vpc if resource not in isolated]

    def _rail(self, index: int, enforced: tuple[str, ...], actions: tuple[str, ...]) -> GuardRailAdvice:
        key = (index, enforced, actions)
        rail = self._rails.get(key)
        if rail is None:
            g = self.knowledge.guard_rails[index]
            rail = self._rails[key] = GuardRailAdvice(g.condition_key, enforced, deep_frozen(g.statement(actions)))
        return rail


def serverless_gaps(rows: tuple[SecuritySetting, ...], w: Workload, derived: Derived, knowledge: Knowledge
                    ) -> tuple[tuple[SecuritySetting, ...], list[str]]:
    """What an endpoint option without a VPC or network isolation (capabilities.vpc, network_isolation:
    serverless) cannot carry, said instead of written (never a VpcConfig in its requests).

    Its model takes no VpcConfig and no network isolation, so with such a stage in the workload those rows of
    CreateModel (asked for by another stage that shares the model) are marked `not_available`; a sensitive or
    private-source workload gets them as `not_available` rows even when no other stage asked, and a warning.
    """
    warnings: list[str] = []
    for stage, option, gaps in knowledge.from_registry("option-gaps", lambda: tuple(
            (s, o, gaps) for s, o in knowledge.inference_stages() if o.capabilities.persistent
            and (gaps := {control: (what, takes) for control, (capability, what, takes) in OPTION_GAPS.items()
                          if getattr(o.capabilities, capability) is False}))):
        if stage in w.stages:
            rows, said = _option_gaps(rows, w, derived, knowledge, stage, option, gaps)
            warnings += said
    return rows, warnings


def _option_gaps(rows: tuple[SecuritySetting, ...], w: Workload, derived: Derived, knowledge: Knowledge, stage: str,
                 option: HostingOption, gaps: Mapping[str, tuple[str, str]]
                 ) -> tuple[tuple[SecuritySetting, ...], list[str]]:
    needs = derived.sensitive or w.data.private_sources
    instead = _instead(w, knowledge)
    kept = [r if r.control not in gaps or r.api != "CreateModel" else
            r._replace(value=None, placeholder=None, status="not_available",
                       why=_gap_why(stage, option, gaps[r.control][0], "another stage that shares the model asked "
                                    "for it", instead))
            for r in rows]
    warnings = []
    shared = [r.control for r in rows if r.control in gaps and r.api == "CreateModel"]
    title = stage_registry.stage(stage).title
    if shared:
        warnings.append(f"{stage}: the model the stages share cannot carry "
                        f"{', '.join(dict.fromkeys(shared))} (a {title[0].lower() + title[1:]} takes "
                        f"{' and '.join(takes for _, takes in gaps.values())}), so it is left out of CreateModel; "
                        "give the other stages a model of their own to keep it")
    if needs:
        why = (f"{w.data.sensitivity} data" if derived.sensitive else "data") + \
            (" from private sources" if w.data.private_sources else "")
        present = {r.control for r in kept}
        for control_id in gaps:
            if control_id in present:
                continue
            control = knowledge.security_control(control_id)
            kept += [SecuritySetting(
                control=control.id, title=control.title, resource=control.resource, service=s.service,
                api=s.operation, field=s.field, value=None, placeholder=None, aws_default=deep_frozen(s.aws_default),
                requires_ebs=False, severity=control.severity,
                why=_gap_why(stage, option, gaps[control_id][0], f"this workload's {why} calls for it", instead),
                tradeoff=None, rule=f"{option.id}-feature-exclusions", status="not_available")
                for s in control.settings]
        lost = [x for x in (" outside your VPC (private sources unreachable)" if "SM-MD-02" in gaps else "",
                            " by a container that can call out" if "SM-MD-01" in gaps else "") if x]
        warnings.append(f"{stage}: {option.name} has {' and '.join(what for what, _ in gaps.values())}, so this "
                        f"workload's {why} would be served{''.join(lost)}; {instead} to keep them")
    return tuple(kept), warnings


def _instead(w: Workload, knowledge: Knowledge) -> str:
    """Where the work keeps a VPC and network isolation: an endpoint stage whose option has both that the
    workload has not chosen yet, else the one it has."""
    stages = stage_registry.offer(w.stages, *(s for s, o in knowledge.inference_stages() if o.capabilities.persistent
                                              and o.capabilities.vpc and o.capabilities.network_isolation))
    return f"use {stages}" if stages else "serve it from this workload's instance-based endpoint stage"


def _gap_why(stage: str, option: HostingOption, what: str, because: str, instead: str) -> str:
    return (f"not available on {stage}: {option.name} has {what} ({option.page}, feature exclusions), though "
            f"{because}; {instead} to have it")
