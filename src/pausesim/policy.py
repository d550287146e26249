"""Pause policies as validated data (DESIGN §3).

A :class:`Policy` states who pauses, from when, what is capped, how the pause ends and how it
is lifted. Every "realistic pause" claim of the essay is one field. ``Policy.none()`` is the
counterfactual: nobody pauses.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from pausesim._frozen import FieldError, Frozen


class CoalitionChange(Frozen):
    """An actor joining (or leaving) the pause coalition at a given year."""

    actor: str = Field(min_length=1)
    year: float = Field(ge=1950.0, le=2300.0)


class Coalition(Frozen):
    """Which actors pause: initial members, later joiners and defectors."""

    members: tuple[str, ...] = Field(
        (), title="Pausing actors", description="actors that pause from the start year"
    )
    joins: tuple[CoalitionChange, ...] = Field(
        (),
        title="Later joiners",
        description="actors that join over time (the critics' stop-gap to a treaty)",
    )
    defections: tuple[CoalitionChange, ...] = Field(
        (), title="Defectors", description="members that leave the coalition at a given year"
    )

    @model_validator(mode="after")
    def _consistent(self):
        # Membership is members, plus joiners from their year, minus defectors from theirs
        # (engines/compute/pause.py): an actor joins at most once and defects at most once,
        # after it is a member. A defector that re-joins is not modelled, so it is refused
        # rather than silently never re-joining.
        for field, names in (
            ("members", list(self.members)),
            ("joins", [j.actor for j in self.joins]),
            ("defections", [d.actor for d in self.defections]),
        ):
            dup = sorted({a for a in names if names.count(a) > 1})
            if dup:
                raise FieldError(
                    [
                        (
                            (field,),
                            f"listed more than once: {dup} (an actor joins at most once and "
                            "defects at most once; re-joining after a defection is not modelled)",
                        )
                    ]
                )
        joined = {j.actor: j.year for j in self.joins}
        for d in self.defections:
            year = joined.get(d.actor)
            if year is None:
                continue
            if d.actor in self.members and year >= d.year:
                raise FieldError(
                    [
                        (
                            ("joins",),
                            f"'{d.actor}' defects in {d.year:g} and joins again in {year:g}; "
                            "re-joining after a defection is not modelled (an actor joins at "
                            "most once and defects at most once, after it is a member)",
                        )
                    ]
                )
            if d.actor not in self.members and d.year <= year:
                raise FieldError(
                    [
                        (
                            ("defections",),
                            f"'{d.actor}' defects in {d.year:g} but joins only in {year:g}; a "
                            "defection must come after the join (re-joining after a defection "
                            "is not modelled)",
                        )
                    ]
                )
        return self

    @property
    def everyone_ever(self) -> tuple[str, ...]:
        """Every actor that is a member at some point."""
        return tuple(dict.fromkeys((*self.members, *(j.actor for j in self.joins))))


class Cap(Frozen):
    """What a paused actor may train (DESIGN §3, 'what is capped').

    ``kind`` says how the cap's level is set. ``fixed``: a threshold. ``frozen``: the largest
    run of any actor at the start. ``declining``: starts at ``threshold_flop`` (or the frozen
    frontier if unset) and falls by ``decline_ooms_per_year`` as compute governance improves.

    ``measure`` says what is counted. ``physical``: the training run's FLOP, as compute
    thresholds count it (EU AI Act, US Executive Order 14110); algorithmic progress continues
    under the cap and builds a software overhang. ``effective``: effective compute, FLOP at
    2022 algorithms (:mod:`pausesim.units`), a capability freeze as evaluation-triggered
    commitments intend; as algorithms improve, the physical FLOP allowed shrinks. Capability is
    then held flat while the pause is in force, but the software progress made meanwhile is
    banked and released at the lift, so the overhang at the lift is larger by it.
    """

    kind: Literal["fixed", "frozen", "declining"] = Field(
        "frozen",
        title="Kind of cap",
        description="fixed: a threshold; frozen: the largest run of any actor at the start; "
        "declining: a threshold that falls as compute governance improves",
    )
    measure: Literal["physical", "effective"] = Field(
        "physical",
        title="What the cap counts",
        description="what the cap counts: physical training FLOP, or effective FLOP at 2022 "
        "algorithms (a capability freeze)",
    )
    threshold_flop: float | None = Field(
        None,
        ge=1e15,
        le=1e40,
        title="Cap threshold",
        json_schema_extra={"unit": "FLOP"},
        description="threshold in FLOP when the cap counts physical FLOP, or in effective "
        "FLOP at 2022 algorithms when it counts effective FLOP",
    )
    decline_ooms_per_year: float = Field(
        0.0,
        ge=0.0,
        le=2.0,
        title="Yearly fall of the cap",
        json_schema_extra={"unit": "OOM/yr"},
        description="yearly fall of a declining cap, orders of magnitude",
    )

    @model_validator(mode="after")
    def _needs_threshold(self):
        if self.kind == "fixed" and self.threshold_flop is None:
            raise ValueError(
                "a fixed cap needs threshold_flop (FLOP, or effective FLOP at 2022 algorithms "
                "when measure = 'effective'; between 1e15 and 1e40)"
            )
        if self.kind == "declining" and self.decline_ooms_per_year <= 0:
            raise ValueError("a declining cap needs decline_ooms_per_year > 0 (at most 2)")
        return self

    @property
    def log10_threshold(self) -> float | None:
        """The threshold in log10 FLOP, if one is set."""
        return None if self.threshold_flop is None else math.log10(self.threshold_flop)


class EndRule(Frozen):
    """When the pause ends. The first rule to fire lifts it."""

    @field_validator("duration_years")
    @classmethod
    def _duration(cls, v: float) -> float:
        if not (v <= 200.0 or math.isinf(v)):
            raise ValueError(f"duration_years must be at most 200 or inf (no fixed end), got {v:g}")
        return v

    duration_years: float = Field(
        5.0,
        gt=0.0,
        allow_inf_nan=True,
        title="Longest pause (fixed term)",
        json_schema_extra={"unit": "years"},
        description="fixed duration in years (at most 200); inf for no fixed end",
    )
    forced_margin_ooms: float | None = Field(
        None,
        ge=0.0,
        le=10.0,
        title="Catch-up margin that ends the pause",
        json_schema_extra={"unit": "OOM"},
        description="lift when a non-pause actor comes within this many OOM of the coalition's "
        "capability (the essay: non-pause progress sets a deadline)",
    )
    political_lift_hazard_per_year: float = Field(
        0.0,
        ge=0.0,
        le=10.0,
        title="Hazard of a politicised lift",
        json_schema_extra={"unit": "1/yr"},
        description="yearly hazard of a sudden politicised lift, divorced from safety progress",
    )
    alignment_target: float | None = Field(
        None,
        ge=-10.0,
        le=30.0,
        title="Alignment target that ends the pause",
        json_schema_extra={"unit": "OOM"},
        description="lift once the alignment stock reaches this level (OOM units of capability)",
    )


class Lift(Frozen):
    """How the cap disappears when the pause ends."""

    kind: Literal["abrupt", "phased"] = Field(
        "abrupt",
        title="How the pause is lifted",
        description="abrupt: the cap disappears at once; phased: it rises by a set number of "
        "OOM per year (the cap rise in a phased lift)",
    )
    ramp_ooms_per_year: float = Field(
        1.0,
        gt=0.0,
        le=20.0,
        title="Cap rise in a phased lift",
        json_schema_extra={"unit": "OOM/yr"},
        description="phased lift: cap rises by this many OOM per year",
    )


class Enforcement(Frozen):
    """How well the pause is enforced against covert training (DESIGN §2 item 7)."""

    detection_hazard_per_year: float = Field(
        0.3,
        ge=0.0,
        le=20.0,
        title="Detection hazard of covert projects",
        json_schema_extra={"unit": "1/yr"},
        description="yearly hazard that a covert project with the monitored footprint is caught "
        "(larger projects are caught faster, smaller ones slower); default from Clymer's mean "
        "detection time of 3.42 years for a 1,000-worker covert project",
    )
    chip_mechanism_coverage: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        title="Chips with on-chip mechanisms",
        json_schema_extra={"unit": "share"},
        description="share of AI chips with enforceable on-chip mechanisms (remote disable)",
    )
    monitored_run_cost_usd: float = Field(
        1e9,
        ge=1e3,
        le=1e12,
        title="Monitored covert-run cost",
        json_schema_extra={"unit": "USD"},
        description="cost (USD) of a covert cap-sized run that is caught at the detection "
        "hazard of covert projects (default: about the yearly cost of a 1,000-worker project, "
        "an assumption); monitoring that sees smaller projects lowers it",
    )


class Policy(Frozen):
    """A pause design. The counterfactual is :meth:`Policy.none`."""

    name: str = "no-pause"
    description: str = ""
    coalition: Coalition = Coalition()
    start_year: float = Field(
        2027.0,
        ge=1950.0,
        le=2300.0,
        title="Pause start",
        json_schema_extra={"unit": "year"},
        description="year the pause starts",
    )
    end: EndRule = EndRule()
    cap: Cap = Cap()
    lift: Lift = Lift()
    hardware_rnd_paused: bool = Field(
        False,
        title="Hardware R&D paused",
        description="the pause also stops the coalition's hardware R&D",
    )
    chip_production_paused: bool = Field(
        False,
        title="Chip production paused",
        description="the coalition also stops producing AI chips while paused",
    )
    safety_research_exempt: bool = Field(
        False,
        title="Safety research exempt",
        description="safety researchers of paused actors may study models above the cap "
        "(the largest model their actor could train)",
    )
    enforcement: Enforcement = Enforcement()

    @classmethod
    def none(cls) -> Policy:
        """No pause: the counterfactual of every comparison."""
        return cls(name="no-pause", description="No pause (the counterfactual).")

    @property
    def is_none(self) -> bool:
        """True when no actor ever pauses."""
        return not self.coalition.everyone_ever

    def check_actors(self, actors: tuple[str, ...]) -> None:
        """Raise ``ValueError`` if the coalition names an actor the world does not have."""
        named = [("policy.coalition.members", a) for a in self.coalition.members]
        named += [("policy.coalition.joins", j.actor) for j in self.coalition.joins]
        named += [("policy.coalition.defections", d.actor) for d in self.coalition.defections]
        for where, a in named:
            if a not in actors:
                raise ValueError(
                    f"{where}: unknown actor '{a}'; the world has {list(actors)} (world.actors)"
                )
