"""Factories for test data. Every user's password is PASSWORD."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from applications.models import Enterprise
from certportal.accounts.models import User

PASSWORD = "a-Long-test-passw0rd"


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.CONSULTANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class EnterpriseUserFactory(UserFactory):
    role = User.Role.ENTERPRISE
    enterprise = factory.SubFactory(EnterpriseFactory)
