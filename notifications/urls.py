from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open_page, name="open"),
    path("read-all/", views.notifications_mark_all_read_post, name="mark_all_read"),
    path("settings/", views.email_preferences, name="preferences"),
]
