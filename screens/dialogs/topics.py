"""Step 6's dialogs: a topic, a member's ratings, the needs-assessment round,
the plan preview, one meeting's topic, the planner's settings and the export.

Each reads in ``load`` and writes in ``save`` (both in a worker, FormDialog);
each is given the ids it acts on and names them in its title.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from ..safe import literal, one_line
from ..widgets.export import ExportFileDialog, default_folder
from ..widgets.form import FormDialog, FormField

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.curriculum import PlanProposal

CSS = str(Path(__file__).with_name("topics.tcss"))
YES_NO = [("no", False), ("yes", True)]


class TopicDialog(FormDialog[int]):
    """The group's own topic (new), or any adopted topic (edit)."""

    CSS_PATH = [FormDialog.CSS_PATH, CSS]

    def __init__(self, group_id: int, topic_id: int | None = None, title: str = "") -> None:
        super().__init__()
        self.group_id = group_id
        self.topic_id = topic_id
        self.title_text = "A topic of the group's own" if topic_id is None else f"Edit: {title}"

    def load(self, session: Session) -> Any:
        from peergroup.services import topics

        return topics.topic_form(session, self.topic_id, self.group_id)

    def fields(self) -> list[FormField]:
        f = self.data
        return [
            FormField("title", "Title", f.title, placeholder="what the meeting is about"),
            FormField("family", "Family", f.family, "select", list(f.families)),
            FormField("description", "Description", f.description, "text"),
            FormField(
                "parts",
                "Meetings",
                f.parts,
                placeholder="1 to 6",
                hint="More than 1: a series over that many consecutive meetings.",
            ),
            FormField("needs_expert", "Outside input", f.needs_expert, "select", YES_NO),
            FormField(
                "competencies",
                "Competencies",
                f.competencies,
                placeholder="e.g. scholar, communicator",
                hint=f"Comma-separated: {f.valid}.",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import topics

        data = topics.TopicInput(
            title=values["title"],
            family=values["family"] or "",
            description=values["description"],
            parts=values["parts"],
            needs_expert=bool(values["needs_expert"]),
            competencies=values["competencies"] or "",
        )
        if self.topic_id is None:
            return topics.add_topic(session, self.group_id, data)
        return topics.edit_topic(session, self.topic_id, data)

    def saved(self, result: int) -> None:
        self.app.notify("Topic saved.")


class RatingsDialog(FormDialog[int]):
    """One member's own ratings: the only place who rated what is shown."""

    CSS_PATH = [FormDialog.CSS_PATH, CSS]

    def __init__(self, round_id: int, member_id: int, member_name: str) -> None:
        super().__init__()
        self.round_id = round_id
        self.member_id = member_id
        self.member_name = member_name
        self.title_text = (
            f"Ratings by {member_name}: 1 not interested to 5 very interested, "
            "empty for no opinion (tab: next topic)"
        )

    def load(self, session: Session) -> Any:
        from peergroup.services import needs

        return needs.rating_form(session, self.round_id, self.member_id)

    def fields(self) -> list[FormField]:
        form = self.data
        out = [
            FormField(
                f"topic_{line.topic_id}",
                one_line(line.title, 50).plain,
                "" if line.score is None else str(line.score),
                placeholder="1-5",
            )
            for line in form.lines
        ]
        out.append(
            FormField(
                "suggestion",
                "Suggest a topic",
                form.suggestion,
                placeholder="optional: a topic the list is missing",
            )
        )
        return out

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import needs

        scores = {int(k[6:]): v for k, v in values.items() if k.startswith("topic_")}
        return needs.save_ratings(
            session,
            self.round_id,
            self.member_id,
            scores,
            values["suggestion"],
            self.app.clock.today(),
        )

    def saved(self, result: int) -> None:
        self.app.notify(
            f"Saved {self.member_name}'s ratings ({result} topic(s) rated). "
            "They can change them until the round closes.",
            markup=False,
        )


class RoundDialog(FormDialog[str]):
    """Open a needs assessment, or change (or close) the one under way."""

    CSS_PATH = [FormDialog.CSS_PATH, CSS]

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = "The needs assessment"

    def load(self, session: Session) -> Any:
        from peergroup.services import needs

        return needs.round_form(session, self.group_id, self.app.clock.today())

    def fields(self) -> list[FormField]:
        f = self.data
        out = [
            FormField("opens_on", "Opens", f.opens_on.isoformat(), placeholder="YYYY-MM-DD"),
            FormField(
                "closes_on",
                "Closes",
                f.closes_on.isoformat(),
                placeholder="YYYY-MM-DD",
                hint="The last day members can rate or change their ratings.",
            ),
        ]
        if f.round_id is not None:
            out.append(
                FormField(
                    "close_now",
                    "Close it now",
                    False,
                    "select",
                    [("no, keep it open", False), ("yes: the ranking is final", True)],
                )
            )
        return out

    def ready(self) -> None:
        f = self.data
        title = "Open a needs assessment" if f.round_id is None else f"Change {f.title}"
        self.query_one("#form-title", Static).update(literal(title))

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import needs

        today = self.app.clock.today()
        if self.data.round_id is None:
            needs.open_round(session, self.group_id, values["opens_on"], values["closes_on"], today)
            return "Needs assessment opened: press r to enter each member's ratings."
        return needs.change_round(
            session,
            self.data.round_id,
            values["opens_on"],
            values["closes_on"],
            bool(values.get("close_now")),
            today,
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class PlanPreviewDialog(FormDialog[str]):
    """What the planner proposes (changes only); y applies exactly that."""

    CSS_PATH = [FormDialog.CSS_PATH, CSS]
    BINDINGS = [
        # No text entry here, so plain letters are safe to bind.
        Binding("y,enter", "save", "Apply"),
        Binding("n", "cancel", "Cancel", show=False),
    ]

    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"The planner's proposal for {group_name}"

    def load(self, session: Session) -> PlanProposal:
        from peergroup.services import curriculum

        return curriculum.plan_proposal(session, self.group_id, self.app.clock.today())

    def fields(self) -> list[FormField]:
        return []

    def ready(self) -> None:
        p: PlanProposal = self.data
        if not p.changes:
            self.app.notify(
                "Nothing to change: the plan already follows the ratings"
                + (f" ({p.kept} meeting(s) set by hand)." if p.kept else "."),
                markup=False,
            )
            self.dismiss(None)
            return
        text = Text()
        if not p.rated:
            text.append("No needs assessment yet: topics follow their titles.\n", style="yellow")
        text.append(f"{len(p.changes)} meeting(s) change:\n", style="bold")
        for c in p.changes:
            text.append(f"{c.on:%a %d %b %y}  ", style="bold")
            text.append_text(one_line(c.after or "(no topic fits)", 56))
            if c.before:
                text.append("\n               was ", style="dim")
                text.append_text(one_line(c.before, 52, "dim"))
            text.append("\n")
        if p.kept:
            text.append(f"{p.kept} meeting(s) set by hand or ad hoc stay as they are.\n", "dim")
        if p.unfilled:
            text.append(
                "No topic fits some meetings (all covered within the repeat window): "
                "lower it (u) or add topics.\n",
                style="yellow",
            )
        text.append("y applies this; esc leaves the plan as it is.", style="dim")
        self.query_one("#form-extra", Static).update(text)

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import curriculum

        return curriculum.apply_plan(
            session, self.group_id, self.app.clock.today(), expected=self.data
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


KINDS = [
    ("a topic", "topic"),
    ("an open / ad hoc slot", "open"),
    ("the planner's choice", "auto"),
]


class MeetingPlanDialog(FormDialog[str]):
    """One meeting's topic, set by hand (kept when the plan is made again)."""

    CSS_PATH = [FormDialog.CSS_PATH, CSS]

    def __init__(self, meeting_id: int, label: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.title_text = f"Topic for the meeting of {label} (set by hand: the planner keeps it)"

    def load(self, session: Session) -> Any:
        from peergroup.services import topic_views

        return topic_views.meeting_plan_form(session, self.meeting_id, self.app.clock.today())

    def fields(self) -> list[FormField]:
        f = self.data
        return [
            FormField("kind", "This meeting", f.kind, "select", KINDS),
            FormField("topic_id", "Topic", f.topic_id, "select", list(f.topics), allow_blank=True),
            FormField(
                "parts",
                "Meetings",
                f.parts,
                placeholder="1 to 6",
                hint="More than 1: a series from this meeting over the next ones"
                + (f" (now {f.part_note})." if f.part_note else "."),
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import curriculum

        f = self.data
        if (values["kind"], values["topic_id"], str(values["parts"]).strip()) == (
            f.kind,
            f.topic_id,
            str(f.parts),
        ):
            return "Nothing changed."
        return curriculum.set_meeting_plan(
            session,
            self.meeting_id,
            values["kind"] or "auto",
            values["topic_id"],
            values["parts"],
            self.app.clock.today(),
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class PlanSetupDialog(FormDialog[bool]):
    CSS_PATH = [FormDialog.CSS_PATH, CSS]

    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"How the planner proposes topics for {group_name}"

    def load(self, session: Session) -> Any:
        from peergroup.services import curriculum

        return curriculum.settings_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        months, every = self.data
        return [
            FormField(
                "repeat_months",
                "No repeat within",
                months,
                placeholder="months, 1 to 60",
                hint="A topic is not proposed again until this many months have passed.",
            ),
            FormField(
                "open_every",
                "Open slot every",
                every,
                placeholder="0 to 12",
                hint="Every Nth meeting stays open for whatever comes up (0: none).",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> bool:
        from peergroup.services import curriculum

        curriculum.save_settings(
            session, self.group_id, values["repeat_months"], values["open_every"]
        )
        return True

    def saved(self, result: bool) -> None:
        self.app.notify("Planner settings saved: press g to see what they propose.")


class CurriculumExportDialog(ExportFileDialog):
    CSS_PATH = [FormDialog.CSS_PATH, CSS]

    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"Export the curriculum of {group_name} (Markdown)"
        safe = "".join(ch if ch.isalnum() else "-" for ch in group_name.lower()).strip("-")
        self.file_name = f"curriculum-{safe[:40] or 'group'}.md"

    def fields(self) -> list[FormField]:
        return [FormField("path", "Save as", str(default_folder() / self.file_name))]

    def file_data(self, session: Session, values: dict[str, Any]) -> tuple[str, str]:
        from peergroup.export import curriculum_md

        text = curriculum_md.curriculum_for(session, self.group_id, self.app.clock.today())
        return text, "Wrote the plan and the ranking to"
