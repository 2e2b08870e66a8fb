"""Enterprises, their basic information, and their certification applications."""

from applications.models.application import Application, ApplicationEvent, ConsultantInvitation
from applications.models.enterprise import Enterprise, Product, ServiceManager, ServiceOutlet

__all__ = [
    "Application",
    "ApplicationEvent",
    "ConsultantInvitation",
    "Enterprise",
    "Product",
    "ServiceManager",
    "ServiceOutlet",
]
