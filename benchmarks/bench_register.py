"""The 风险分级管控清单 page at 5,000 events in one enterprise: the first page and a filtered
page, each against the bare queries of the same 50 rows plus the count."""

from __future__ import annotations

from common import best_of, report, test_database

EVENTS = 5000


def main() -> None:
    with test_database():
        from django.db import connection
        from django.db.models import Count
        from django.test import Client

        from dualprev.core.testing import build_cast, ensure_seed_data
        from dualprev.reference.models import AccidentType
        from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

        ensure_seed_data()
        cast = build_cast()
        world = cast.a
        enterprise = world.enterprise
        types = list(AccidentType.objects.filter(dataset__is_current=True))
        objects = RiskObject.objects.bulk_create(
            RiskObject(
                enterprise=enterprise,
                name=f"风险点{i:03d}",
                object_type=("place", "equipment", "routine_work", "special_work")[i % 4],
                responsible_unit=(world.department, world.team)[i % 2],
            )
            for i in range(100)
        )
        units = RiskUnit.objects.bulk_create(
            RiskUnit(enterprise=enterprise, risk_object=o, name=f"{o.name}单元{j}")
            for o in objects
            for j in range(5)
        )
        events = RiskEvent.objects.bulk_create(
            RiskEvent(
                enterprise=enterprise,
                unit=units[i % len(units)],
                name=f"风险事件{i:05d}",
                residual_level=(None, 0, 1, 2, 3, 3)[i % 6],
                inherent_level=i % 4,
                control_level="team",
            )
            for i in range(EVENTS)
        )
        through = RiskEvent.accident_types.through
        through.objects.bulk_create(
            through(riskevent_id=e.pk, accidenttype_id=types[i % len(types)].pk)
            for i, e in enumerate(events)
        )
        ControlMeasure.objects.bulk_create(
            ControlMeasure(
                enterprise=enterprise,
                event=e,
                description="措施",
                category="management",
                data_src=1,
                responsible_post=world.post if i % 3 == 0 else None,
            )
            for i, e in enumerate(events)
            for _ in range(2)
        )
        print(f"database: {connection.vendor}; {RiskEvent.objects.count()} events")
        client = Client()
        client.force_login(cast.safety_officer)

        def baseline(offset: int = 0, **filters: object) -> None:
            rows = list(
                RiskEvent.objects.filter(enterprise=enterprise, retired_at=None, **filters)
                .select_related("unit__risk_object__responsible_unit")
                .prefetch_related("accident_types")
                .order_by("unit__risk_object_id", "unit_id", "id")[offset : offset + 50]
            )
            assert len(rows) == 50
            dict(
                ControlMeasure.objects.filter(event__in=rows, retired_at=None)
                .values_list("event_id")
                .annotate(n=Count("id"))
                .values_list("event_id", "n")
            )
            RiskEvent.objects.filter(enterprise=enterprise, retired_at=None, **filters).count()

        def page(query: str) -> None:
            response = client.get(f"/risks/{query}")
            assert response.status_code == 200 and len(response.context["page_obj"]) == 50

        report(
            f"register first page (50 of {EVENTS:,}) vs bare rows + count",
            best_of(lambda: page("")),
            best_of(baseline),
        )
        report(
            "register filtered (level=低, type=场所) vs bare rows + count",
            best_of(lambda: page("?level=3&object_type=place")),
            best_of(lambda: baseline(residual_level=3, unit__risk_object__object_type="place")),
        )
        report(
            "register page 60 (rows 2,951-3,000) vs bare rows + count",
            best_of(lambda: page("?page=60")),
            best_of(lambda: baseline(offset=2950)),
        )


if __name__ == "__main__":
    main()
