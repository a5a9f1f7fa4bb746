"""The 岗位安全风险告知卡: one A4 card for a post with 6 events (12 measures, check contents,
emergency measures, QR code), rendered through the card view, against a minimal one-page PDF
(a title, a QR code and a colour chip) rendered by the same WeasyPrint in the same run. Also a
sheet of 12 risk-point QR labels. The issue's target is under 300 ms per card."""

from __future__ import annotations

import logging

from common import best_of, report, test_database

EVENTS = 6
TARGET_MS = 300


def main() -> None:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its INFO lines cost time
    with test_database():
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from dualprev.core.testing import build_cast, ensure_seed_data
        from dualprev.documents.pdf import qr_data_uri, render_pdf
        from dualprev.reference.models import AccidentType
        from dualprev.risks.actions import assess_event
        from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject

        ensure_seed_data()
        cast = build_cast()
        world = cast.a
        enterprise = world.enterprise
        enterprise.emergency_phone = "0371-68000119"
        enterprise.save()
        types = list(AccidentType.objects.filter(dataset__is_current=True)[:4])
        for i in range(EVENTS - 1):
            event = RiskEvent.objects.create(
                enterprise=enterprise,
                unit=world.risks["unit"],
                name=f"反应釜{i + 1}号冷却失效导致超温超压，可能引发火灾爆炸",
                emergency_measures=f"立即切断{i + 1}号釜进料，启动紧急冷却；必要时紧急停车。",
            )
            event.accident_types.add(*types[: 1 + i % 3])
            for j in range(2):
                ControlMeasure.objects.create(
                    enterprise=enterprise,
                    event=event,
                    description=f"按工艺卡片控制{i + 1}号釜温度和压力，每小时巡检（{j + 1}）",
                    category=("management", "emergency")[j],
                    data_src=2,
                    check_content=f"抽查{i + 1}号釜 DCS 趋势与操作记录（{j + 1}）",
                    responsible_post=world.post,
                )
            assess_event(
                event=event,
                acting_user=cast.safety_officer,
                method="LEC",
                inputs={"L": (1, 3, 6, 10)[i % 4], "E": 6, "C": 15},
            )
        for i in range(11):
            RiskObject.objects.create(
                enterprise=enterprise,
                name=f"风险点{i + 1:02d}",
                object_type="place",
                responsible_unit=world.department,
                location=f"生产装置区{i + 1}号框架",
            )
        events = RiskEvent.objects.filter(measures__responsible_post=world.post).distinct()
        print(f"database: {connection.vendor}; post {world.post.name}: {events.count()} events")

        client = Client()
        client.force_login(cast.worker)
        card_url = reverse("risks:post_card", args=[world.post.public_id])
        labels_url = reverse("risks:qr_labels")

        def card() -> None:
            response = client.get(card_url)
            assert response.status_code == 200 and response.content.startswith(b"%PDF")

        def labels() -> None:
            response = client.get(labels_url)
            assert response.status_code == 200 and response.content.startswith(b"%PDF")

        def minimal() -> None:
            render_pdf(
                "documents/sample.html",
                {"title": "岗位安全风险告知卡", "qr": qr_data_uri("http://testserver/p/1")},
            )

        for warm in (card, labels, minimal):  # fonts and templates load once per process
            warm()
        minimal_time = best_of(minimal)
        card_time = best_of(card)
        report(
            f"post card view ({EVENTS} events, 1 page) vs minimal 1-page PDF",
            card_time,
            minimal_time,
        )
        report(
            "QR label sheet view (12 labels, 1 page) vs minimal 1-page PDF",
            best_of(labels),
            minimal_time,
        )
        verdict = "meets" if card_time * 1000 < TARGET_MS else "MISSES"
        print(f"per card: {card_time * 1000:.0f} ms, {verdict} the target of < {TARGET_MS} ms")


if __name__ == "__main__":
    main()
