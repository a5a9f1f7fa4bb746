"""Forms of the four-colour map."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualprev.maps.images import CheckedImage, check_plan_image


class PlanUploadForm(forms.Form):
    """Upload a site plan; ``cleaned_data["checked"]`` is the content-checked image."""

    name = forms.CharField(label=_("图纸名称"), max_length=128, initial=_("厂区总平面图"))
    image = forms.FileField(
        label=_("平面图文件"),
        help_text=_("PNG 或 JPEG 图片，不超过 10 MB、4000 万像素。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    make_current = forms.BooleanField(label=_("设为当前总平面图"), required=False, initial=True)

    def clean_image(self) -> Any:
        upload = self.cleaned_data["image"]
        upload.seek(0)
        self.checked: CheckedImage = check_plan_image(upload, size=upload.size)
        return upload
