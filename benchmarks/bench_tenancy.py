"""Tenancy choke point overhead: a regulator's scoped read vs a plain query of the same rows."""

from __future__ import annotations

from common import best_of, report, test_database


def main() -> None:
    with test_database():
        from django.db import connection
        from django.test import Client

        from dualprev.core.tenancy import forget_actor
        from dualprev.core.testing import build_cast, ensure_seed_data, make_credit_code
        from dualprev.orgs.models import Enterprise, Region

        ensure_seed_data()
        cast = build_cast()
        erqi = Region.objects.get(code="410103")
        streets = list(erqi.children.all())
        industry = cast.a.enterprise.industry
        Enterprise.objects.bulk_create(
            Enterprise(
                name=f"基准企业{i:04d}",
                credit_code=make_credit_code("410103", 10_000 + i),
                industry=industry,
                region=streets[i % len(streets)],
            )
            for i in range(2000)
        )
        user = cast.district_regulator
        street_ids = [s.pk for s in streets] + [erqi.pk]

        def scoped() -> int:
            forget_actor(user)  # resolve the actor every time, as each request does
            return len(list(Enterprise.objects.visible_to(user).values_list("id", "name")))

        def plain() -> int:
            return len(
                list(Enterprise.objects.filter(region_id__in=street_ids).values_list("id", "name"))
            )

        assert scoped() == plain() == 2002
        print(f"database: {connection.vendor}")
        report("visible_to(regulator) over 2,002 enterprises", best_of(scoped), best_of(plain))

        client = Client()
        client.force_login(user)

        def page() -> None:
            assert client.get("/regulator/enterprises/").status_code == 200

        def page_baseline() -> None:
            list(
                Enterprise.objects.filter(region_id__in=street_ids)
                .select_related("industry", "region")
                .order_by("region__code", "name")[:25]
            )
            Enterprise.objects.filter(region_id__in=street_ids).count()

        report(
            "directory page (25 rows of 2,002) vs its two bare queries",
            best_of(page),
            best_of(page_baseline),
        )


if __name__ == "__main__":
    main()
