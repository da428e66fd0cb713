"""The flow file is validated on load; a broken one is refused with file, step and fault."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.services.flow.engine import FlowEngine, InvalidAnswer
from bot.services.flow.flow_spec import FlowError, load_flow
from bot.services.i18n import Catalog

FLOW = PROJECT_ROOT / "flows" / "tmall_tp.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(PROJECT_ROOT / "locales")


def broken_copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(FLOW.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def step(data: dict, step_id: str) -> dict:
    return next(s for s in data["steps"] if s["id"] == step_id)


def test_the_real_flow_is_valid_and_complete_in_both_languages(catalog: Catalog) -> None:
    spec = load_flow(FLOW, catalog.message_ids())
    assert spec.start == "welcome"
    assert [s.id for s in spec.stages] == [
        "eligibility",
        "register",
        "tmall_operator",
        "international",
    ]
    assert {s.kind for s in spec.steps.values()} == {"info", "confirm", "choice", "audit", "finish"}


def test_unknown_target_state(tmp_path: Path, catalog: Catalog) -> None:
    path = broken_copy(
        tmp_path, lambda d: step(d, "op_nickname")["answers"][0].update(next="op_assesment")
    )
    with pytest.raises(FlowError) as error:
        load_flow(path, catalog.message_ids())
    message = str(error.value)
    assert str(path) in message
    assert "step 'op_nickname', answer 'yes': unknown target state 'op_assesment'" in message


def test_unreachable_state(tmp_path: Path) -> None:
    def orphan(d: dict) -> None:
        step(d, "op_deposit")["answers"] = [
            a for a in step(d, "op_deposit")["answers"] if a["id"] != "also_tmall"
        ]

    with pytest.raises(FlowError) as error:
        load_flow(broken_copy(tmp_path, orphan))
    assert "step 'op_deposit_paid': unreachable from the start step 'welcome'" in str(error.value)


def test_dead_end(tmp_path: Path) -> None:
    def trap(d: dict) -> None:
        step(d, "not_eligible")["answers"] = [
            {"id": "again", "label": "btn-recheck", "stay": True, "help": "help-op-apply"}
        ]

    with pytest.raises(FlowError) as error:
        load_flow(broken_copy(tmp_path, trap))
    assert "step 'not_eligible': dead end" in str(error.value)


def test_checklist_takes_true_false_or_on_path(tmp_path: Path) -> None:
    spec = load_flow(FLOW)
    assert spec.steps["op_deposit_paid"].on_path and not spec.steps["not_eligible"].checklist
    assert "op_deposit_paid" not in [s.id for s in spec.checklist()]
    assert "op_deposit_paid" in [s.id for s in spec.checklist({"op_deposit_paid"})]

    def vague(d: dict) -> None:
        step(d, "op_deposit_paid")["checklist"] = "sometimes"

    with pytest.raises(FlowError) as error:
        load_flow(broken_copy(tmp_path, vague))
    assert "step 'op_deposit_paid': 'checklist' must be true, false or on_path" in str(error.value)


def test_text_missing_in_a_locale(tmp_path: Path, catalog: Catalog) -> None:
    ids = catalog.message_ids()
    ids["zh"].discard("help-alipay-personal")
    with pytest.raises(FlowError) as error:
        load_flow(FLOW, ids)
    assert "step 'alipay_corporate': text 'help-alipay-personal' missing in locale 'zh'" in str(
        error.value
    )


def test_every_step_needs_a_name_for_where_you_are_in_every_locale(
    tmp_path: Path, catalog: Catalog
) -> None:
    ids = catalog.message_ids()
    ids["zh"].discard("name-op-apply")
    with pytest.raises(FlowError) as error:
        load_flow(FLOW, ids)
    assert "step 'op_apply': text 'name-op-apply' missing in locale 'zh'" in error.value.faults
    with pytest.raises(FlowError) as error:
        load_flow(broken_copy(tmp_path, lambda d: step(d, "intl_apply").pop("name")))
    assert "step 'intl_apply': missing 'name'" in error.value.faults
    assert all(
        s.name == f"name-{s.title.removeprefix('title-')}" for s in load_flow(FLOW).steps.values()
    )


def test_several_faults_are_reported_together(tmp_path: Path) -> None:
    def many(d: dict) -> None:
        step(d, "real_person")["kind"] = "quiz"
        step(d, "op_audit").pop("working_days")
        step(d, "intl_info")["answers"][1].pop("help")
        d["steps"].append(
            {"id": "welcome", "stage": "register", "kind": "info", "text": "x", "title": "y"}
        )

    with pytest.raises(FlowError) as error:
        load_flow(broken_copy(tmp_path, many))
    faults = error.value.faults
    assert (
        "step 'real_person': unknown kind 'quiz' (one of audit, choice, confirm, finish, info)"
        in faults
    )
    assert "step 'op_audit': an audit step needs 'working_days' (a positive whole number)" in faults
    assert (
        "step 'intl_info', answer 'not_yet': an answer that keeps the step open needs 'help'"
        in faults
    )
    assert "step 'welcome': defined twice" in faults


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps: [unclosed", encoding="utf-8")
    with pytest.raises(FlowError, match=r"(?s)bad.yaml: .*not valid YAML"):
        load_flow(bad)
    with pytest.raises(FlowError, match="the file does not exist"):
        load_flow(tmp_path / "nope.yaml")


def test_the_machine_only_allows_the_flows_transitions() -> None:
    engine = FlowEngine(load_flow(FLOW))
    assert engine.advance("op_assessment", "unqualified") == "op_apply"
    assert engine.advance("alipay_corporate", "personal_only") == "alipay_corporate"
    for state, answer in [
        ("welcome", "yes"),
        ("op_apply", "passed"),
        ("finished", "yes"),
        ("nowhere", "yes"),
        ("welcome", "no_such_trigger"),
    ]:
        with pytest.raises(InvalidAnswer):
            engine.advance(state, answer)


def locales_copy(tmp_path: Path, lang: str, file: str, old: str, new: str) -> Path:
    """A copy of the locales with one text changed."""
    import shutil

    target = tmp_path / "locales"
    shutil.copytree(PROJECT_ROOT / "locales", target)
    path = target / lang / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_a_placeable_the_code_does_not_pass_is_a_fault(tmp_path: Path) -> None:
    from bot.services.flow.content import ContentError, load_content

    locales = locales_copy(tmp_path, "zh", "flow.ftl", "{ $due }", "{ $dew }")
    with pytest.raises(ContentError) as error:
        load_content(FLOW, locales)
    [fault] = error.value.faults
    assert f"{locales / 'zh' / 'flow.ftl'}:" in fault  # the .ftl file and its line
    assert "uses $dew" in fault and "$due" in fault  # what is wrong, what would be right


def test_a_fluent_syntax_error_is_reported_in_its_file_and_line(tmp_path: Path) -> None:
    from bot.services.flow.content import ContentError, load_content

    source = (PROJECT_ROOT / "locales" / "en" / "flow.ftl").read_text(encoding="utf-8")
    line = source.splitlines().index(
        next(lin for lin in source.splitlines() if lin.startswith("help-real-person ="))
    )
    broken = source.splitlines()[line + 1]
    locales = locales_copy(tmp_path, "en", "flow.ftl", broken, broken + " { $oops")
    with pytest.raises(ContentError) as error:
        load_content(FLOW, locales)
    text = str(error.value)
    # the file, the line (Fluent points where it gave up: the broken line or the next), and
    # Fluent's own error
    assert any(f"{locales / 'en' / 'flow.ftl'}:{n}: E0003" in text for n in (line + 2, line + 3))
    assert "missing in locale" not in text  # not mistaken for a missing text


def test_an_unknown_target_and_the_step_it_strands_come_in_one_run(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, lambda d: step(d, "op_audit")["answers"][0].update(next="op_depost")
    )
    with pytest.raises(FlowError) as error:
        load_flow(path)
    faults = error.value.faults
    assert "step 'op_audit', answer 'passed': unknown target state 'op_depost'" in faults
    assert "step 'op_deposit': unreachable from the start step 'welcome'" in faults


def test_a_yaml_error_keeps_its_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - id: a\n    kind: [unclosed\n", encoding="utf-8")
    with pytest.raises(FlowError) as error:
        load_flow(bad)
    message = str(error.value)
    assert "\n    " in message and "^" in message  # the caret under the spot, on its own line
    assert "^" not in message.splitlines()[1]
