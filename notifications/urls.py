from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open_page, name="open"),
    path("read-all/", views.notifications_mark_all_read_post, name="mark_all_read"),
    path("settings/", views.email_preferences, name="preferences"),
    path("webhooks/", views.webhooks_page, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_page, name="webhook"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete_post, name="webhook_delete"),
    path("webhooks/<int:pk>/enable/", views.webhook_enable_post, name="webhook_enable"),
    path("webhooks/deliveries/<int:pk>/send-again/", views.webhook_resend_post, name="webhook_resend"),
]
