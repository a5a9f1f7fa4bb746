"""Routes of the post pages, the 岗位安全风险告知卡 PDFs and the risk-point QR label sheet.

The stable QR URL of a risk point (``/q/<public id>/``, name ``risk_point_qr``) is top-level and
lives in dualprev/urls.py."""

from django.urls import URLPattern, path

from dualprev.risks import views_post

urlpatterns: list[URLPattern] = [
    path("posts/", views_post.post_list, name="posts"),
    path("my-posts/", views_post.my_posts, name="my_posts"),
    path("posts/<uuid:public_id>/", views_post.post_page, name="post_page"),
    path("posts/<uuid:public_id>/card.pdf", views_post.post_card, name="post_card"),
    path("org-units/<uuid:public_id>/cards.pdf", views_post.unit_cards, name="unit_cards"),
    path("labels.pdf", views_post.qr_labels, name="qr_labels"),
]
