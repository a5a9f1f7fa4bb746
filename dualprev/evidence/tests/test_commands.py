"""``dualprev verify-chain`` and ``dualprev anchor-chains``: exit status, the enterprise filter,
the named first break, and anchors kept outside the database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dualprev.cli import main
from dualprev.core.testing import Cast
from dualprev.evidence.models import ChainAnchor, ChainEntry, ChainHead
from dualprev.evidence.tests.world import at, entry_for, head, hourly_rounds, last_entries
from dualprev.hazards.models import HazardEvent
from dualprev.inspections.actions import close_missed
from dualprev.inspections.models import CheckRecord


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify-chain", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_verifying_untouched_chains_succeeds_with_a_summary(cast: Cast) -> None:
    out, err = run()

    assert err == ""
    enterprises = ChainHead.objects.count()
    assert f"已校验 {enterprises} 家企业的证据链，共 {ChainEntry.objects.count()} 条" in out
    assert "全部完好" in out


def test_a_tampered_row_fails_naming_the_enterprise_and_the_first_altered_entry(
    cast: Cast,
) -> None:
    record = cast.a.risks["check_record"]
    CheckRecord.objects.filter(pk=record.pk).update(note="正常")
    seq = entry_for("check_record", record.pk).seq

    with pytest.raises(CommandError) as caught:
        run()

    assert caught.value.returncode == 1
    assert "1 家企业的证据链已被篡改" in str(caught.value)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify-chain", stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert cast.a.enterprise.name in text and cast.a.enterprise.credit_code in text
    assert f"首个问题：第 {seq} 条（排查记录 #{record.pk}" in text
    assert "记录内容或照片已被修改" in text


def test_the_console_script_exits_non_zero_on_a_break(cast: Cast, monkeypatch) -> None:
    event = HazardEvent.objects.filter(enterprise=cast.b.enterprise).first()
    assert event is not None
    HazardEvent.objects.filter(pk=event.pk).update(note="改过的说明")
    monkeypatch.setattr("sys.argv", ["dualprev", "verify-chain"])

    with pytest.raises(SystemExit) as caught:
        main()

    assert caught.value.code == 1


def test_one_enterprise_can_be_checked_alone(cast: Cast) -> None:
    event = HazardEvent.objects.filter(enterprise=cast.b.enterprise).first()
    assert event is not None
    HazardEvent.objects.filter(pk=event.pk).update(note="无")

    out, _err = run("--enterprise", cast.a.enterprise.credit_code.lower())
    assert "已校验 1 家企业" in out

    with pytest.raises(CommandError) as caught:
        run("--enterprise", cast.b.enterprise.credit_code)
    assert caught.value.returncode == 1


def test_an_unknown_or_malformed_credit_code_is_refused(cast: Cast) -> None:
    with pytest.raises(CommandError, match="--enterprise"):
        run("--enterprise", "123")


def test_exported_anchors_catch_a_cut_even_when_the_stored_anchors_are_gone(
    cast: Cast, tmp_path: Path
) -> None:
    pk = cast.a.enterprise.pk
    hourly_rounds(cast)
    close_missed(now=at("2026-03-02 06:00"))
    out = io.StringIO()
    call_command("anchor-chains", stdout=out)
    lines = out.getvalue().splitlines()
    today = timezone.localdate().isoformat()
    assert f"{cast.a.enterprise.credit_code}\t{today}\t{head(pk).seq}\t{head(pk).hash}" in lines
    assert len(lines) == ChainAnchor.objects.count() == ChainHead.objects.count()
    exported = tmp_path / "anchors.tsv"
    exported.write_text("# kept on paper\n" + out.getvalue(), encoding="utf-8")

    # Cut the two newest records and their entries, rewind the head, remove stored anchors.
    newest = last_entries(pk, 2)
    CheckRecord.objects.filter(pk__in=[e.object_id for e in newest]).delete()
    ChainEntry.objects.filter(pk__in=[e.pk for e in newest]).delete()
    survivor = last_entries(pk, 1)[0]
    ChainHead.objects.filter(enterprise_id=pk).update(seq=survivor.seq, hash=survivor.entry_hash)
    ChainAnchor.objects.all().delete()
    run()  # the database alone no longer shows it

    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify-chain", "--anchors", str(exported), stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert f"首个问题：第 {survivor.seq + 1} 条" in err.getvalue()
    assert "末尾条目被删除" in err.getvalue()


def test_a_bad_anchor_file_is_refused_with_the_line(cast: Cast, tmp_path: Path) -> None:
    bad = tmp_path / "anchors.tsv"
    bad.write_text("91410103MA0000000X\t2026-13-01\t3\tabc\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 1"):
        run("--anchors", str(bad))


def test_listing_anchors_writes_nothing(cast: Cast) -> None:
    out = io.StringIO()
    call_command("anchor-chains", "--list", stdout=out)

    assert out.getvalue() == "" and not ChainAnchor.objects.exists()


def test_the_scheduled_job_anchors_every_chain_and_reports_counts(cast: Cast) -> None:
    from dualprev.evidence.tasks import anchor_chains

    chains = ChainHead.objects.filter(seq__gt=0).count()

    assert anchor_chains.call() == {"written": chains, "unchanged": 0, "refused": 0}
    assert anchor_chains.call() == {"written": 0, "unchanged": chains, "refused": 0}
