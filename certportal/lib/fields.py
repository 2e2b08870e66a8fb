"""Form fields that normalise what people type before validating it."""

from __future__ import annotations

from typing import Any

from django import forms

from certportal.lib.validators import (
    normalise_code,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)


class NormalisedCharField(forms.CharField):
    normalise = staticmethod(normalise_code)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return self.normalise(text) if text else text


class USCCField(NormalisedCharField):
    default_validators = [validate_uscc]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


class IDNumberField(NormalisedCharField):
    default_validators = [validate_id_number]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


class MobileField(NormalisedCharField):
    normalise = staticmethod(normalise_mobile)
    default_validators = [validate_mobile]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
